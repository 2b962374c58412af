using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Patching;

namespace BareLb.Kube.Testing.Tests.Unit;

public sealed class StrategicMergePatchTests
{
    private static JsonObject Apply(string target, string patch, string kind = "Pod") =>
        StrategicMergePatch.Apply((JsonObject)JsonNode.Parse(target)!, (JsonObject)JsonNode.Parse(patch)!, kind);

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public void Containers_MergeByName_AndEnvByName()
    {
        var result = Apply(
            """{"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"a:2","env":[{"name":"Y","value":"2"}]}]}}""");

        AssertJson("""{"spec":{"containers":[{"name":"a","image":"a:2","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]},{"name":"b","image":"b:1"}]}}""", result);
    }

    [Fact]
    public void PatchDeleteDirective_RemovesListElement()
    {
        var result = Apply(
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}""");

        AssertJson("""{"spec":{"containers":[{"name":"b"}]}}""", result);
    }

    [Fact]
    public void PatchReplaceDirective_ReplacesMapAndList()
    {
        AssertJson("""{"metadata":{"labels":{"c":"3"}}}""",
            Apply("""{"metadata":{"labels":{"a":"1","b":"2"}}}""", """{"metadata":{"labels":{"$patch":"replace","c":"3"}}}"""));
        AssertJson("""{"spec":{"containers":[{"name":"z"}]}}""",
            Apply("""{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""", """{"spec":{"containers":[{"name":"z"},{"$patch":"replace"}]}}"""));
    }

    [Fact]
    public void NullDeletesField_AndAtomicListsAreReplaced()
    {
        var result = Apply(
            """{"spec":{"type":"LoadBalancer","loadBalancerIP":"1.2.3.4","externalIPs":["a","b"]}}""",
            """{"spec":{"loadBalancerIP":null,"externalIPs":["c"]}}""", "Service");

        AssertJson("""{"spec":{"type":"LoadBalancer","externalIPs":["c"]}}""", result);
    }

    [Fact]
    public void Finalizers_MergeAsASet_AndDeleteFromPrimitiveList()
    {
        var result = Apply(
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]}}""");

        AssertJson("""{"metadata":{"finalizers":["b","c"]}}""", result);
    }

    [Fact]
    public void RetainKeys_DropsKeysNotListed_AndSetElementOrderIsNotStored()
    {
        var result = Apply(
            """{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"containers":[{"name":"a"}]}}""",
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},"$setElementOrder/containers":[{"name":"a"}]}}""", "Deployment");

        AssertJson("""{"spec":{"strategy":{"type":"Recreate"},"containers":[{"name":"a"}]}}""", result);
    }

    [Fact]
    public void ServicePorts_MergeByPort()
    {
        var result = Apply(
            """{"spec":{"ports":[{"port":80,"name":"http","nodePort":30080},{"port":443,"name":"https"}]}}""",
            """{"spec":{"ports":[{"port":80,"targetPort":8080}]}}""", "Service");

        AssertJson("""{"spec":{"ports":[{"port":80,"name":"http","nodePort":30080,"targetPort":8080},{"port":443,"name":"https"}]}}""", result);
    }
}
