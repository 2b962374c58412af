using System.Text.Json;
using BareLb.Kube.Testing.Selectors;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Tests.Unit;

public sealed class SelectorTests
{
    private static readonly JsonElement Pod = JsonDocument.Parse(
        """{"metadata":{"name":"p","namespace":"ns","labels":{"app":"web","tier":"edge"}},"spec":{"nodeName":"node-1"}}""").RootElement;

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app in (web, db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier in (edge),!missing", true)]
    [InlineData("app=web,tier=core", false)]
    [InlineData("missing!=x", true)]
    public void LabelSelector_MatchesAsKubernetes(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Pod));

    [Theory]
    [InlineData("metadata.name=p", true)]
    [InlineData("metadata.namespace!=ns", false)]
    [InlineData("spec.nodeName=node-1,metadata.name==p", true)]
    [InlineData("spec.nodeName=node-2", false)]
    [InlineData("spec.missing=", true)]
    public void FieldSelector_EvaluatesFieldPaths(string selector, bool expected) =>
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Pod));

    [Fact]
    public void MalformedSelectors_AreBadRequests()
    {
        Assert.Equal(400, Assert.Throws<ApiException>(() => LabelSelector.Parse("app in web")).Code);
        Assert.Equal(400, Assert.Throws<ApiException>(() => FieldSelector.Parse("nonsense")).Code);
    }
}
