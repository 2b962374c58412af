using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using PacketDotNet;

namespace BareLb.Arp.Tests.Responding;

public sealed class ArpResponderTests
{
    [Fact]
    public void BroadcastRequestForAnnouncedAddressGetsAReplyThatPacketDotNetDecodes()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        var reply = rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100"), out var reason);

        Assert.NotNull(reply);
        Assert.Equal(DropReason.None, reason);
        var ethernet = Decoded.Ethernet(reply);
        Assert.Equal(Frames.Peer.ToString(), Format(ethernet.DestinationHardwareAddress));
        Assert.Equal(Frames.Ours.ToString(), Format(ethernet.SourceHardwareAddress));
        var arp = Decoded.Arp(reply);
        Assert.Equal(ArpOperation.Response, arp.Operation);
        Assert.Equal(Frames.Ip("198.18.0.100"), arp.SenderProtocolAddress);
        Assert.Equal(Frames.Ours.ToString(), Format(arp.SenderHardwareAddress));
        Assert.Equal(Frames.Ip("198.18.0.1"), arp.TargetProtocolAddress);
        Assert.Equal(Frames.Peer.ToString(), Format(arp.TargetHardwareAddress));
    }

    [Fact]
    public void UnicastRequestToOurMacIsAnswered()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        Assert.NotNull(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100", to: Frames.Ours), out _));
    }

    [Fact]
    public void RequestToAnotherStationsMacIsIgnored()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100", to: MacAddress.Parse("02:00:00:00:00:55")), out var reason));
        Assert.Equal(DropReason.NotForUs, reason);
    }

    [Fact]
    public void Rfc5227ProbeIsDefendedWithAReplyTo0000()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        var reply = rig.Respond(Frames.ArpRequest("0.0.0.0", "198.18.0.100"), out _);
        Assert.NotNull(reply);
        var arp = Decoded.Arp(reply);
        Assert.Equal(ArpOperation.Response, arp.Operation);
        Assert.Equal(Frames.Ip("0.0.0.0"), arp.TargetProtocolAddress);
        Assert.Equal(Frames.Ip("198.18.0.100"), arp.SenderProtocolAddress);
    }

    [Fact]
    public void RequestForAnAddressNotAnnouncedIsNotAnswered()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.101"), out var reason));
        Assert.Equal(DropReason.NotAnnounced, reason);
    }

    [Fact]
    public void RepliesGratuitousPacketsAndOurOwnFramesAreIgnored()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100", operation: 2), out var reason));
        Assert.Equal(DropReason.ArpReply, reason);
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.100", "198.18.0.100"), out reason));
        Assert.Equal(DropReason.ArpGratuitous, reason);
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100", from: Frames.Ours), out reason));
        Assert.Equal(DropReason.OwnFrame, reason);
    }

    [Fact]
    public void VlanTaggedRequestGetsAReplyWithTheSameTag()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        var reply = rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100", vlan: 42), out _);
        Assert.NotNull(reply);
        Assert.Equal(Ethernet.TypeVlan, Frames.EtherType(reply));
        Assert.Equal(42, reply[15]);
        var arp = Decoded.Arp(reply);
        Assert.Equal(Frames.Ip("198.18.0.100"), arp.SenderProtocolAddress);
    }

    [Fact]
    public void WithdrawnAddressIsNotAnsweredFromTheNextFrameOn()
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        var request = Frames.ArpRequest("198.18.0.1", "198.18.0.100");
        Assert.NotNull(rig.Respond(request, out _));
        rig.Table.Remove(Frames.V4("198.18.0.100"));
        Assert.Null(rig.Respond(request, out var reason));
        Assert.Equal(DropReason.NotAnnounced, reason);
    }

    [Fact]
    public void ASourceOverItsRateIsLimitedThenRecovers()
    {
        using var rig = new ResponderRig(ratePerSecond: 10, burst: 3, "198.18.0.100");
        var request = Frames.ArpRequest("198.18.0.1", "198.18.0.100");
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(rig.Respond(request, out _));
        }

        Assert.Null(rig.Respond(request, out var reason));
        Assert.Equal(DropReason.RateLimited, reason);
        var other = Frames.ArpRequest("198.18.0.2", "198.18.0.100", from: MacAddress.Parse("02:00:00:00:00:77"));
        Assert.NotNull(rig.Respond(other, out _));
        rig.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.NotNull(rig.Respond(request, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(20)]
    [InlineData(41)]
    public void TruncatedRequestIsDroppedAsTruncated(int length)
    {
        using var rig = new ResponderRig(addresses: "198.18.0.100");
        Assert.Null(rig.Respond(Frames.ArpRequest("198.18.0.1", "198.18.0.100")[..length], out var reason));
        Assert.Equal(DropReason.Truncated, reason);
    }

    private static string Format(System.Net.NetworkInformation.PhysicalAddress address)
        => string.Join(':', address.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
