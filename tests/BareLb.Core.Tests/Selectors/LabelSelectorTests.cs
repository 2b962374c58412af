using BareLb.Core.Selectors;

namespace BareLb.Core.Tests.Selectors;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front" };

    [Fact]
    public void EmptySelector_MatchesEverything() => Assert.True(LabelSelector.Everything.Matches(Labels));

    [Theory]
    [InlineData(SelectorOperator.In, "app", new[] { "web", "api" }, true)]
    [InlineData(SelectorOperator.In, "app", new[] { "api" }, false)]
    [InlineData(SelectorOperator.In, "missing", new[] { "web" }, false)]
    [InlineData(SelectorOperator.NotIn, "app", new[] { "api" }, true)]
    [InlineData(SelectorOperator.NotIn, "app", new[] { "web" }, false)]
    [InlineData(SelectorOperator.NotIn, "missing", new[] { "web" }, true)]
    [InlineData(SelectorOperator.Exists, "tier", new string[0], true)]
    [InlineData(SelectorOperator.Exists, "missing", new string[0], false)]
    [InlineData(SelectorOperator.DoesNotExist, "missing", new string[0], true)]
    [InlineData(SelectorOperator.DoesNotExist, "tier", new string[0], false)]
    public void Expressions_FollowKubernetesSemantics(SelectorOperator op, string key, string[] values, bool expected)
    {
        var selector = new LabelSelector(matchExpressions: [new LabelSelectorRequirement(key, op, values)]);
        Assert.Equal(expected, selector.Matches(Labels));
    }

    [Fact]
    public void MatchLabels_AndExpressions_MustAllHold()
    {
        var selector = new LabelSelector(new Dictionary<string, string> { ["app"] = "web" }, [new LabelSelectorRequirement("tier", SelectorOperator.In, ["back"])]);
        Assert.False(selector.Matches(Labels));
    }

    [Fact]
    public void Validate_ReportsEachBadTermWithItsField()
    {
        var selector = new LabelSelector(
            new Dictionary<string, string> { ["bad key!"] = "ok" },
            [
                new LabelSelectorRequirement("app", SelectorOperator.In, []),
                new LabelSelectorRequirement("app", SelectorOperator.Exists, ["x"]),
                new LabelSelectorRequirement("example.com/app", SelectorOperator.In, ["-bad"]),
            ]);
        var problems = selector.Validate();
        Assert.Contains(problems, p => p.Field == "matchLabels[bad key!]");
        Assert.Contains(problems, p => p.Field == "matchExpressions[0].values" && p.Message.Contains("needs at least one value", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == "matchExpressions[1].values" && p.Message.Contains("takes no values", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Field == "matchExpressions[2].values[0]");
        Assert.Equal(4, problems.Count);
    }
}
