using BareLb.Membership.Options;

namespace BareLb.Membership.Tests.Options;

public sealed class MembershipOptionsTests
{
    [Fact]
    public void DefaultsAndTheMemberlistPresetAreValid()
    {
        Assert.Empty(new MembershipOptions().Validate());
        Assert.Empty(MembershipOptions.MemberlistLan().Validate());
    }

    [Fact]
    public void MemberlistPresetHoldsMemberlistsLANDefaults()
    {
        var o = MembershipOptions.MemberlistLan();
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.ProbeTimeout);
        Assert.Equal(4, o.SuspicionMult);
        Assert.Equal(6, o.SuspicionMaxTimeoutMult);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.GossipInterval);
        Assert.Equal(3, o.GossipNodes);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PushPullInterval);
        Assert.Equal(4, o.RetransmitMult);
        Assert.Equal(3, o.IndirectChecks);
        Assert.Equal(8, o.AwarenessMaxMultiplier);
        Assert.Equal(TimeSpan.FromSeconds(30), o.GossipToTheDeadTime);
        Assert.Equal(1400, o.UdpBufferSize);
    }

    [Fact]
    public void EachInvalidSettingIsNamedWithItsRange()
    {
        var o = new MembershipOptions
        {
            ProbeInterval = TimeSpan.FromMilliseconds(50),
            ProbeTimeout = TimeSpan.FromMilliseconds(80),
            SuspicionMult = 0,
            GossipNodes = -1,
            UdpBufferSize = 100,
            PushPullInterval = TimeSpan.FromMilliseconds(5),
            RelaxedProbeInterval = TimeSpan.FromMilliseconds(-1),
        };
        var errors = o.Validate();
        Assert.Contains(errors, e => e.StartsWith("ProbeTimeout", StringComparison.Ordinal) && e.Contains("shorter than ProbeInterval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SuspicionMult must be between 1 and 100, not 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("GossipNodes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("UdpBufferSize", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PushPullInterval must be zero (off) or", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RelaxedProbeInterval must be zero (off) or", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
        Assert.Throws<ArgumentException>(o.ThrowIfInvalid);
    }

    [Theory]
    [InlineData("300ms", 300_000)]
    [InlineData("1.5s", 1_500_000)]
    [InlineData("1m30s", 90_000_000)]
    [InlineData("2h", 7_200_000_000)]
    [InlineData("250us", 250)]
    [InlineData("250µs", 250)]
    [InlineData("0", 0)]
    [InlineData("-1s", -1_000_000)]
    public void GoDurationsParse(string text, long microseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out _));
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("ms")]
    [InlineData("1..2s")]
    public void BadGoDurationsAreRefusedWithAReason(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }
}
