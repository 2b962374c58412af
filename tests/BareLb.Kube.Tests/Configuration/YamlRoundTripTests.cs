using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Configuration.Yaml;
using CsCheck;

namespace BareLb.Kube.Tests.Configuration;

/// <summary>What convert writes, YAML reads back unchanged: strings stay strings, whatever they look like.</summary>
public sealed class YamlRoundTripTests
{
    private static JsonNode? RoundTrip(JsonNode node)
    {
        var output = new StringBuilder();
        YamlWriter.WriteDocument(node, output);
        Assert.True(YamlDocumentReader.TryRead(output.ToString(), 0, out var documents, out var error), $"{error}\n{output}");
        return Assert.Single(documents).Root;
    }

    [Theory]
    [InlineData("null")]
    [InlineData("yes")]
    [InlineData("0x1F")]
    [InlineData("1e3")]
    [InlineData("65535:65282")]
    [InlineData("- a")]
    [InlineData("#comment")]
    [InlineData(" leading")]
    [InlineData("a: b")]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("'quoted'")]
    [InlineData("line\nbreak")]
    [InlineData("192.168.35.100-192.168.35.110")]
    public void AwkwardStrings_SurviveAsStrings(string text)
    {
        var back = RoundTrip(new JsonObject { ["value"] = text, ["list"] = new JsonArray(text, new JsonObject { [text.Length == 0 ? "k" : text] = text }) });

        Assert.Equal(text, back!["value"]!.GetValue<string>());
        Assert.Equal(text, back["list"]![0]!.GetValue<string>());
        Assert.Equal(text, back["list"]![1]![text.Length == 0 ? "k" : text]!.GetValue<string>());
    }

    [Fact]
    public void AnyString_SurvivesAsAString()
    {
        Gen.String.Sample(text =>
        {
            var back = RoundTrip(new JsonObject { ["value"] = text, ["items"] = new JsonArray(text) });
            return back!["value"]!.GetValue<string>() == text && back["items"]![0]!.GetValue<string>() == text;
        }, iter: 2000);
    }

    [Fact]
    public void NumbersBooleansAndNesting_Survive()
    {
        var node = new JsonObject
        {
            ["int"] = 64500,
            ["big"] = 4294967295L,
            ["yes"] = true,
            ["empty"] = new JsonObject(),
            ["none"] = new JsonArray(),
            ["nested"] = new JsonArray(new JsonObject { ["a"] = new JsonArray(1, 2), ["b"] = new JsonObject { ["c"] = "d" } }),
        };

        Assert.True(JsonNode.DeepEquals(node, RoundTrip(node)));
    }
}
