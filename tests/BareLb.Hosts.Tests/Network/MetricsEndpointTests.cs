using System.Globalization;
using System.Text.RegularExpressions;
using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary><c>barelb-speaker standalone --metrics-listen</c>: Prometheus text over real HTTP, scraped with curl in the node's namespace.</summary>
[Collection("network")]
public sealed partial class MetricsEndpointTests
{
    private const string Replies = """metallb_layer2_responses_sent{interface="vn",ip="198.18.0.100",protocol="arp"}""";

    [Fact]
    public void MetricsShowRepliesRiseAfterAnArping()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var node = topology.Nodes[0];
        using var speaker = SpeakerProcess.Start(node, "--interface", "vn", "--address", "198.18.0.100", "--metrics-listen", "127.0.0.1:0");
        var url = UrlLine().Match(speaker.Log);
        Assert.True(url.Success, "no metrics URL in the log: " + speaker.Log);

        var before = Scrape(node, url.Groups[1].Value);
        Assert.Contains("# TYPE metallb_layer2_responses_sent counter", before, StringComparison.Ordinal);
        Assert.Equal(0, Value(before, Replies));
        Assert.True(Value(before, """metallb_layer2_gratuitous_sent{interface="vn",ip="198.18.0.100",protocol="arp"}""") >= 1);

        Assert.Equal(3, Arping(topology, "198.18.0.100", 3).Count);
        Assert.Empty(Arping(topology, "198.18.0.101", 1));

        var after = Scrape(node, url.Groups[1].Value);
        Assert.True(Value(after, Replies) >= 3, after);
        Assert.True(Value(after, """metallb_layer2_requests_received{interface="vn",ip="198.18.0.100",protocol="arp"}""") >= 3);
        Assert.True(Value(after, """barelb_layer2_frames_dropped_total{interface="vn",reason="not_announced"}""") >= 1);

        var missing = Namespaces.TryExec(node, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url.Groups[1].Value.Replace("/metrics", "/nothing", StringComparison.Ordinal));
        Assert.Equal("404", missing.Output.Trim());
    }

    private static string Scrape(string ns, string url)
    {
        var result = Namespaces.TryExec(ns, "curl", "-sS", "--fail", "--max-time", "5", url);
        Assert.True(result.ExitCode == 0, $"curl {url}: {result.Error}");
        return result.Output;
    }

    /// <summary>The value of one series in Prometheus text, 0 when it is absent.</summary>
    private static long Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex(@"serving metrics at (http://\S+/metrics)")]
    private static partial Regex UrlLine();
}
