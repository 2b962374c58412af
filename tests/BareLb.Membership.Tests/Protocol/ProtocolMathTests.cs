using BareLb.Membership.Protocol;

namespace BareLb.Membership.Tests.Protocol;

public sealed class ProtocolMathTests
{
    [Theory]
    [InlineData(5, 1000)]
    [InlineData(10, 1000)]
    [InlineData(50, 1698)]
    [InlineData(100, 2000)]
    [InlineData(500, 2698)]
    [InlineData(1000, 3000)]
    public void SuspicionTimeoutMatchesMemberlistsTable(int n, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ProtocolMath.SuspicionTimeout(3, n, TimeSpan.FromSeconds(1)) / 3);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(99, 6)]
    public void RetransmitLimitMatchesMemberlist(int n, int expected) => Assert.Equal(expected, ProtocolMath.RetransmitLimit(3, n));

    [Fact]
    public void PushPullIntervalGrowsAbove32Members()
    {
        var second = TimeSpan.FromSeconds(1);
        Assert.Equal(second, ProtocolMath.PushPullScale(second, 32));
        Assert.Equal(2 * second, ProtocolMath.PushPullScale(second, 33));
        Assert.Equal(2 * second, ProtocolMath.PushPullScale(second, 64));
        Assert.Equal(3 * second, ProtocolMath.PushPullScale(second, 65));
        Assert.Equal(3 * second, ProtocolMath.PushPullScale(second, 128));
    }
}
