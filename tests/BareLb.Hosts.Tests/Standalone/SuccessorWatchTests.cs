using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Speaker.Standalone.Failover;

namespace BareLb.Hosts.Tests.Standalone;

/// <summary>The leaving appliance's watch for its successors' gratuitous ARPs.</summary>
public sealed class SuccessorWatchTests
{
    private static readonly MacAddress Self = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress Successor = MacAddress.Parse("02:00:00:00:00:02");

    [Fact]
    public async Task AGratuitousArpFromAnotherMacCompletesItsAddressOnly()
    {
        var link = new InMemoryLink();
        using var peer = link.Connect("peer", Successor);
        using var watch = SuccessorWatch.Start(link.Connect("self", Self), Self, [IPAddr.Parse("198.18.0.100"), IPAddr.Parse("198.18.0.101"), IPAddr.Parse("2001:db8::100")]);

        // Ours, a request that is not gratuitous, and another address: none completes 198.18.0.100.
        peer.TrySend(Arp(Self, "198.18.0.100", "198.18.0.100"));
        peer.TrySend(Arp(Successor, "198.18.0.1", "198.18.0.100"));
        peer.TrySend(Arp(Successor, "198.18.0.101", "198.18.0.101"));
        Assert.Equal(Successor, await watch.Announced(IPAddr.Parse("198.18.0.101")).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(watch.Announced(IPAddr.Parse("198.18.0.100")).IsCompleted);

        peer.TrySend(Arp(Successor, "198.18.0.100", "198.18.0.100"));
        Assert.Equal(Successor, await watch.Announced(IPAddr.Parse("198.18.0.100")).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.False(watch.Announced(IPAddr.Parse("2001:db8::100")).IsCompleted);
        Assert.False(watch.Announced(IPAddr.Parse("198.18.0.102")).IsCompleted);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(41)]
    public void ShortFramesAreNoAnnouncement(int length)
    {
        Assert.Null(SuccessorWatch.ReadAnnouncement(Arp(Successor, "198.18.0.100", "198.18.0.100").AsSpan(0, length)));
    }

    private static byte[] Arp(MacAddress sender, string senderIp, string targetIp)
    {
        var frame = new byte[42];
        MacAddress.Broadcast.WriteTo(frame);
        sender.WriteTo(frame.AsSpan(6));
        frame[12] = 0x08;
        frame[13] = 0x06;
        byte[] header = [0, 1, 8, 0, 6, 4, 0, 1];
        header.CopyTo(frame, 14);
        sender.WriteTo(frame.AsSpan(22));
        IPAddr.Parse(senderIp).WriteBytes(frame.AsSpan(28));
        IPAddr.Parse(targetIp).WriteBytes(frame.AsSpan(38));
        return frame;
    }
}
