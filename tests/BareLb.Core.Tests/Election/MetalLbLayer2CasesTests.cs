using BareLb.Core.Election;

namespace BareLb.Core.Tests.Election;

/// <summary>
/// MetalLB's Layer 2 decision tests (speaker/layer2_controller_test.go), ported as facts in MetalLbCases/*.json:
/// every speaker MetalLB's test asks must reach MetalLB's answer through <see cref="Layer2Decision.Decide"/>.
/// </summary>
public sealed class MetalLbLayer2CasesTests
{
    private const string Announce = "announce";
    private const string DoesNotAnnounce = "does not announce";

    /// <summary>The decision tests of MetalLB's layer2_controller_test.go; each must have a file.</summary>
    private static readonly string[] MetalLbTests =
    [
        "TestUsableNodesEPSlicesWithSpeakerlistDisabled",
        "TestUsableNodesEPSlices",
        "TestShouldAnnounceEPSlices",
        "TestShouldAnnounceFromNodes",
        "TestClusterPolicy",
        "TestL2ServiceSelectors",
        "TestL2SharedIPWithServiceSelectors",
        "TestL2AdsForService",
        "TestL2ElectionConsistentButAdsPerNode",
        "TestL2NoMatchingAdForServiceAndNode",
        "TestL2ServiceSelectorFiltersCandidateNodes",
        "TestIPAdvertisementFor",
        "TestSortL2Candidates",
        "TestPreferredScoresFor",
        "TestShouldAnnouncePreferredNode",
        "TestShouldAnnounceSplitBrainWithMixedAds",
        "TestShouldAnnouncePreferredNodeFailover",
    ];

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (test, file) in MetalLbCaseFile.All)
        {
            for (var i = 0; i < file.Cases.Count; i++)
            {
                data.Add(test, i, file.Cases[i].Description);
            }
        }

        return data;
    }

    [Fact]
    public void EveryMetalLBDecisionTestHasACaseFileWithCases()
    {
        Assert.Equal(MetalLbTests.Order(StringComparer.Ordinal), MetalLbCaseFile.All.Keys.Order(StringComparer.Ordinal));
        Assert.All(MetalLbCaseFile.All.Values, f => Assert.NotEmpty(f.Cases));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecideReachesMetalLBsAnswer(string test, int index, string description)
    {
        var @case = MetalLbCaseFile.All[test].Cases[index];
        Assert.Equal(description, @case.Description);
        var pool = @case.ToPool();
        var wrong = new List<string>();
        foreach (var fact in @case.Services)
        {
            var service = fact.ToService();
            var verdicts = new Dictionary<string, Layer2Verdict>(StringComparer.Ordinal);
            foreach (var node in @case.EvaluatedOn)
            {
                var verdict = Layer2Decision.Decide(@case.ViewFrom(node, pool), service);
                var backwards = Layer2Decision.Decide(@case.ViewFrom(node, pool, reversed: true), service);
                if (backwards.Reason != verdict.Reason || backwards.Elected != verdict.Elected)
                {
                    wrong.Add($"{fact.Name} on {node}: {Describe(verdict)} with the sets listed forwards, {Describe(backwards)} backwards");
                }

                verdicts[node] = verdict;
            }

            CheckExpectations(fact, verdicts, wrong);
            CheckAdvertisements(fact, pool, service, wrong);

            var elected = verdicts.Values.Select(v => v.Elected).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            if (elected.Length > 1)
            {
                wrong.Add($"{fact.Name}: the speakers elect different nodes: {string.Join(", ", elected)}");
            }
        }

        Assert.True(wrong.Count == 0, $"{test}: \"{description}\"\n  " + string.Join("\n  ", wrong));
    }

    [Fact]
    public void TestClusterPolicyFactsHoldMetalLBsThreeAssertions()
    {
        // MetalLB asserts, for each address: exactly one speaker announces; the two Services sharing it are
        // announced alike; and over all addresses, each speaker announces some.
        var winners = new HashSet<string>(StringComparer.Ordinal);
        foreach (var @case in MetalLbCaseFile.All["TestClusterPolicy"].Cases)
        {
            Assert.Equal(2, @case.Services.Count);
            var first = @case.Services[0].Expect!;
            Assert.Equal(first, @case.Services[1].Expect!);
            Assert.Single(first, e => e.Value == Announce);
            winners.Add(first.Single(e => e.Value == Announce).Key);
        }

        Assert.Equal(["iris1", "iris2"], winners.Order(StringComparer.Ordinal));
    }

    private static void CheckExpectations(MetalLbService fact, Dictionary<string, Layer2Verdict> verdicts, List<string> wrong)
    {
        foreach (var (node, expected) in fact.Expect ?? new Dictionary<string, string>())
        {
            var verdict = Verdict(fact, node, verdicts);
            var matches = expected switch
            {
                Announce => verdict.Announce,
                DoesNotAnnounce => !verdict.Announce,
                _ => Layer2ReasonNames.Of(verdict.Reason) == expected,
            };
            if (!matches)
            {
                wrong.Add($"{fact.Name} on {node}: MetalLB expects {expected}, BareLb says {Describe(verdict)}");
            }
        }

        foreach (var (node, verdict) in verdicts)
        {
            var candidates = verdict.Candidates.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
            if (fact.ExpectCandidates is { } expectedCandidates && !candidates.SequenceEqual(expectedCandidates.Order(StringComparer.Ordinal)))
            {
                wrong.Add($"{fact.Name} on {node}: MetalLB's candidates are [{string.Join(", ", expectedCandidates)}], BareLb's [{string.Join(", ", candidates)}]");
            }

            var order = verdict.Addresses.Count == 0 ? [] : Layer2Election.Rank(verdict.Addresses[0], verdict.Candidates).Select(c => c.Name).ToArray();
            if (order.FirstOrDefault() != verdict.Elected)
            {
                wrong.Add($"{fact.Name} on {node}: {verdict.Elected ?? "nobody"} is elected but ranks below {order.FirstOrDefault()}");
            }

            if (fact.ExpectOrder is { } expectedOrder)
            {
                if (!order.SequenceEqual(expectedOrder))
                {
                    wrong.Add($"{fact.Name} on {node}: MetalLB's order is [{string.Join(", ", expectedOrder)}], BareLb's [{string.Join(", ", order)}]");
                }
            }

            if (fact.ExpectWeights is { } expectedWeights)
            {
                var weights = verdict.Candidates.ToDictionary(c => c.Name, c => c.Weight, StringComparer.Ordinal);
                if (weights.Count != expectedWeights.Count || expectedWeights.Any(w => weights.GetValueOrDefault(w.Key, -1) != w.Value))
                {
                    wrong.Add($"{fact.Name} on {node}: MetalLB's weights are {Show(expectedWeights)}, BareLb's {Show(weights)}");
                }
            }
        }

        foreach (var (node, expected) in fact.ExpectInterfaces ?? new Dictionary<string, MetalLbInterfaces>())
        {
            var verdict = Verdict(fact, node, verdicts);
            var interfaces = verdict.Interfaces.Order(StringComparer.Ordinal).ToArray();
            if (!verdict.Announce || verdict.AllInterfaces != expected.AllInterfaces || !interfaces.SequenceEqual(expected.Interfaces.Order(StringComparer.Ordinal)))
            {
                wrong.Add($"{fact.Name} on {node}: MetalLB announces on {Show(expected.AllInterfaces, expected.Interfaces)}, BareLb {(verdict.Announce ? "on " + Show(verdict.AllInterfaces, interfaces) : "does not announce")}");
            }
        }
    }

    private static void CheckAdvertisements(MetalLbService fact, Layer2Pool pool, Layer2Service service, List<string> wrong)
    {
        if (fact.ExpectAdvertisements is not { } expected)
        {
            return;
        }

        var applying = pool.Advertisements.Where(a => a.AppliesTo(service.Labels)).Select(a => a.Name).Order(StringComparer.Ordinal).ToArray();
        if (!applying.SequenceEqual(expected.Order(StringComparer.Ordinal)))
        {
            wrong.Add($"{fact.Name}: MetalLB applies [{string.Join(", ", expected)}], BareLb [{string.Join(", ", applying)}]");
        }
    }

    private static Layer2Verdict Verdict(MetalLbService fact, string node, Dictionary<string, Layer2Verdict> verdicts) =>
        verdicts.TryGetValue(node, out var verdict)
            ? verdict
            : throw new InvalidDataException($"{fact.Name}: an expectation names {node}, which is not in evaluatedOn");

    private static string Describe(Layer2Verdict verdict) =>
        (verdict.Announce ? Announce : Layer2ReasonNames.Of(verdict.Reason)) + (verdict.Elected is { } e ? $" (elected {e})" : "");

    private static string Show(IEnumerable<KeyValuePair<string, long>> weights) =>
        "{" + string.Join(", ", weights.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key}: {w.Value}")) + "}";

    private static string Show(bool all, IEnumerable<string> interfaces) =>
        all ? "every interface" : "[" + string.Join(", ", interfaces) + "]";
}
