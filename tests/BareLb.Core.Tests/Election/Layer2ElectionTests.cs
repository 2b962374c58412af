using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Core.Selectors;
using CsCheck;

namespace BareLb.Core.Tests.Election;

public sealed class Layer2ElectionTests
{
    private static NodeCandidate[] Nodes(int count) => [.. Enumerable.Range(0, count).Select(i => new NodeCandidate($"node-{i}"))];

    private static IPAddr Address(int i) => IPAddr.FromIPv4(0xC6120000u + (uint)i);

    // MetalLB's own cases for sortL2Candidates (speaker/layer2_controller_test.go, TestSortL2Candidates): the
    // candidates, the address, the summed preference weights, and the order MetalLB expects.
    public static TheoryData<string[], string, string, string[]> MetalLbSortCases => new()
    {
        { ["node-a"], "10.0.0.1", "", ["node-a"] },
        { ["node-a", "node-b", "node-c"], "10.0.0.1", "", ["node-b", "node-a", "node-c"] },
        { ["node-a", "node-b", "node-c"], "10.0.0.2", "", ["node-b", "node-c", "node-a"] },
        { ["edge-a", "edge-b", "worker-a", "worker-b"], "10.20.30.1", "edge-a=100", ["edge-a", "edge-b", "worker-a", "worker-b"] },
        { ["node-a", "node-b"], "10.20.30.1", "node-a=100,node-b=100", ["node-b", "node-a"] },
        { ["edge-a", "edge-b", "worker-a"], "10.20.30.1", "edge-a=100,edge-b=100", ["edge-b", "edge-a", "worker-a"] },
    };

    [Theory]
    [MemberData(nameof(MetalLbSortCases))]
    public void RankAndElectOrderCandidatesAsMetalLBDoes(string[] names, string address, string weights, string[] expected)
    {
        var weightOf = weights.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Split('='))
            .ToDictionary(w => w[0], w => long.Parse(w[1], System.Globalization.CultureInfo.InvariantCulture));
        var candidates = names.Select(n => new NodeCandidate(n, weightOf.GetValueOrDefault(n))).ToArray();
        foreach (var order in new[] { candidates, candidates.Reverse().ToArray() })
        {
            Assert.Equal(expected, Layer2Election.Rank(IPAddr.Parse(address), order).Select(c => c.Name));
            Assert.Equal(expected[0], Layer2Election.Elect(IPAddr.Parse(address), order)!.Name);
        }
    }

    [Fact]
    public void ElectIsTheFirstOfMetalLBsSortForAnyNamesWeightsAndAddresses()
    {
        var name = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."], 1, 40];
        var candidate = Gen.Select(name, Gen.Long[0, 3]);
        var address = Gen.OneOf(
            Gen.UInt.Select(IPAddr.FromIPv4),
            Gen.Select(Gen.ULong, Gen.ULong).Select((hi, lo) => IPAddr.FromIPv6(new UInt128(hi, lo))),
            Gen.UInt.Select(v => IPAddr.FromIPv6(((UInt128)0xFFFF << 32) | v)),
            Gen.UInt[0, 3].Select(v => IPAddr.FromIPv6(new UInt128(0x20010DB8_00000000UL, v))));
        Gen.Select(candidate.Array[1, 30], address).Sample((raw, ip) =>
        {
            var candidates = raw.DistinctBy(c => c.Item1).Select(c => new NodeCandidate(c.Item1, c.Item2)).ToArray();
            var expected = MetalLbOrder(candidates, GoText(ip)).First();
            Assert.Equal(expected.Name, Layer2Election.Elect(ip, candidates)!.Name);
            Assert.Equal(expected.Name, Layer2Election.Rank(ip, candidates)[0].Name);
        }, iter: 2_000);
    }

    [Theory]
    [InlineData("198.18.35.100", "198.18.35.100")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]
    [InlineData("2001:0:0:1::1", "2001:0:0:1::1")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("::ffff:198.18.35.1", "198.18.35.1")]
    [InlineData("2001:DB8::A", "2001:db8::a")]
    public void TheHashedAddressTextIsGos(string address, string goText)
    {
        Span<byte> key = stackalloc byte[64];
        var length = ElectionKey.Write(IPAddr.Parse(address), key);
        Assert.Equal(goText, System.Text.Encoding.ASCII.GetString(key[..length]));
    }

    [Fact]
    public void LongNodeNamesAreHashedWhole()
    {
        var names = new[] { new string('a', 400) + "x", new string('a', 400) + "y", "short" };
        var candidates = names.Select(n => new NodeCandidate(n)).ToArray();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(MetalLbOrder(candidates, GoText(Address(i))).First().Name, Layer2Election.Elect(Address(i), candidates)!.Name);
        }
    }

    [Fact]
    public void Weights_WinOverHashing()
    {
        var nodes = new[] { new NodeCandidate("a"), new NodeCandidate("b", weight: 10), new NodeCandidate("c") };
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("b", Layer2Election.Elect(Address(i), nodes)!.Name);
        }

        Assert.Equal("b", Layer2Election.Rank(Address(1), nodes)[0].Name);
    }

    [Fact]
    public void NoCandidates_ElectsNobody() => Assert.Null(Layer2Election.Elect(Address(1), ReadOnlySpan<NodeCandidate>.Empty));

    [Fact]
    public void AddressesSpreadEvenly_AndANodeLeavingMovesOnlyItsOwn()
    {
        var nodes = Nodes(10);
        var before = Enumerable.Range(0, 10_000).Select(i => Layer2Election.Elect(Address(i), nodes)!.Name).ToArray();
        foreach (var group in before.GroupBy(n => n))
        {
            Assert.InRange(group.Count(), 800, 1200);
        }

        var without = nodes.Where(n => n.Name != "node-3").ToArray();
        for (var i = 0; i < before.Length; i++)
        {
            var now = Layer2Election.Elect(Address(i), without)!.Name;
            if (before[i] != "node-3")
            {
                Assert.Equal(before[i], now);
            }
        }

        var joined = nodes.Append(new NodeCandidate("node-new")).ToArray();
        var moved = 0;
        for (var i = 0; i < before.Length; i++)
        {
            var now = Layer2Election.Elect(Address(i), joined)!.Name;
            if (now != before[i])
            {
                Assert.Equal("node-new", now);
                moved++;
            }
        }

        Assert.InRange(moved, 700, 1150); // about 1/11 of 10,000
    }

    // MetalLB's sortL2Candidates, written plainly: weight descending, then SHA-256 of name#address ascending.
    private static IEnumerable<NodeCandidate> MetalLbOrder(IEnumerable<NodeCandidate> candidates, string address) =>
        candidates
            .OrderByDescending(c => c.Weight)
            .ThenBy(c => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(c.Name + "#" + address)), ByteOrder.Instance);

    // Go's net.IP.String(): an IPv4-mapped IPv6 address prints as its dotted quad.
    private static string GoText(IPAddr address) =>
        !address.IsIPv4 && address.Value >> 32 == 0xFFFF ? IPAddr.FromIPv4((uint)address.Value).ToString() : address.ToString();

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
