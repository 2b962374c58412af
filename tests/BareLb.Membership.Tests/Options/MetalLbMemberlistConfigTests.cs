using BareLb.Membership.Options;

namespace BareLb.Membership.Tests.Options;

public sealed class MetalLbMemberlistConfigTests
{
    private const string Tuned = """
        {
          "TCPTimeout": "5s",
          "IndirectChecks": 3,
          "RetransmitMult": 4,
          "SuspicionMult": 2,
          "SuspicionMaxTimeoutMult": 3,
          "PushPullInterval": "15s",
          "ProbeTimeout": "200ms",
          "ProbeInterval": "500ms",
          "DisableTcpPings": true,
          "AwarenessMaxMultiplier": 4,
          "GossipNodes": 4,
          "GossipInterval": "100ms",
          "GossipToTheDeadTime": "15s",
          "GossipVerifyIncoming": true,
          "GossipVerifyOutgoing": false,
          "EnableCompression": false,
          "HandoffQueueDepth": 2048,
          "UDPBufferSize": 1400,
          "QueueCheckInterval": "30s"
        }
        """;

    [Fact]
    public void MetalLBsTuningFileBecomesOptions()
    {
        Assert.True(MetalLbMemberlistConfig.TryParse(Tuned, "config.json", out var config, out var errors), string.Join("\n", errors));
        var options = config!.ToOptions();
        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.ProbeTimeout);
        Assert.Equal(2, options.SuspicionMult);
        Assert.Equal(3, options.SuspicionMaxTimeoutMult);
        Assert.Equal(4, options.GossipNodes);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.GossipInterval);
        Assert.True(options.DisableTcpPings);
        Assert.Equal(TimeSpan.FromSeconds(5), options.TcpTimeout);

        // Fields the file does not cover keep memberlist's values, as in MetalLB.
        Assert.False(options.SendLeaveToAll);
        Assert.False(config.EnableCompression);
        Assert.Equal(2048, config.HandoffQueueDepth);
    }

    [Fact]
    public void AMissingOrMalformedFieldIsNamed()
    {
        var json = Tuned.Replace("\"ProbeInterval\": \"500ms\",", "", StringComparison.Ordinal)
            .Replace("\"200ms\"", "\"200 milliseconds\"", StringComparison.Ordinal)
            .Replace("\"GossipNodes\": 4", "\"GossipNodes\": \"four\"", StringComparison.Ordinal);
        Assert.False(MetalLbMemberlistConfig.TryParse(json, "/etc/metallb/memberlist/config.json", out var config, out var errors));
        Assert.Null(config);
        Assert.Contains(errors, e => e.Contains("field ProbeInterval is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("field ProbeTimeout", StringComparison.Ordinal) && e.Contains("200 milliseconds", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("field GossipNodes: expected a whole number", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("/etc/metallb/memberlist/config.json: ", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void NotAnObjectIsRefused(string json)
    {
        Assert.False(MetalLbMemberlistConfig.TryParse(json, "config.json", out _, out var errors));
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void ValuesThatParseButAreOutOfRangeAreCaughtByValidation()
    {
        var json = Tuned.Replace("\"SuspicionMult\": 2", "\"SuspicionMult\": 0", StringComparison.Ordinal);
        Assert.True(MetalLbMemberlistConfig.TryParse(json, "config.json", out var config, out _));
        Assert.Contains(config!.ToOptions().Validate(), e => e.StartsWith("SuspicionMult", StringComparison.Ordinal));
    }
}
