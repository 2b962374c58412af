using BareLb.Membership.Messages;

namespace BareLb.Membership.Tests;

public sealed class MessageTypeTests
{
    [Fact]
    public void MessageTypeNumbersAreMemberlists()
    {
        Assert.Equal(0, (byte)MessageType.Ping);
        Assert.Equal(13, (byte)MessageType.Error);
        Assert.Equal(244, (byte)MessageType.HasLabel);
    }
}
