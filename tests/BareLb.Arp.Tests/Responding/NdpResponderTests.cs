using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using PacketDotNet;
using PacketDotNet.Ndp;

namespace BareLb.Arp.Tests.Responding;

public sealed class NdpResponderTests
{
    [Fact]
    public void MulticastSolicitationGetsASolicitedAdvertisementSourcedFromTheTarget()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        var reply = rig.Respond(Frames.Solicitation("2001:db8::1", "2001:db8::100"), out var reason);

        Assert.NotNull(reply);
        Assert.Equal(DropReason.None, reason);
        var na = Decoded.Advertisement(reply, out var ip);
        Assert.Equal(Frames.Ip("2001:db8::100"), ip.SourceAddress);
        Assert.Equal(Frames.Ip("2001:db8::1"), ip.DestinationAddress);
        Assert.Equal(255, ip.HopLimit);
        Assert.Equal(Frames.Ip("2001:db8::100"), na.TargetAddress);
        Assert.True(na.Solicited);
        Assert.True(na.Override);
        Assert.False(na.Router);
        var option = Assert.IsType<NdpLinkLayerAddressOption>(Assert.Single(na.OptionsCollection));
        Assert.Equal(Frames.Ours.ToString(), Format(option.LinkLayerAddress));
        Assert.Equal(Frames.Peer.ToString(), Format(Decoded.Ethernet(reply).DestinationHardwareAddress));
    }

    [Fact]
    public void UnicastProbeWithoutSourceOptionIsAnsweredToTheFramesSender()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        var reply = rig.Respond(Frames.Solicitation("2001:db8::1", "2001:db8::100", sourceOption: false, unicast: true), out _);
        Assert.NotNull(reply);
        Decoded.Advertisement(reply, out var ip);
        Assert.Equal(Frames.Ip("2001:db8::1"), ip.DestinationAddress);
        Assert.Equal(Frames.Peer.ToString(), Format(Decoded.Ethernet(reply).DestinationHardwareAddress));
    }

    [Fact]
    public void DuplicateAddressDetectionProbeGetsAnUnsolicitedAdvertisementToAllNodes()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        var reply = rig.Respond(Frames.Solicitation("::", "2001:db8::100", sourceOption: false), out _);
        Assert.NotNull(reply);
        var na = Decoded.Advertisement(reply, out var ip);
        Assert.Equal(Frames.Ip("ff02::1"), ip.DestinationAddress);
        Assert.Equal(Frames.Ip("2001:db8::100"), ip.SourceAddress);
        Assert.False(na.Solicited);
        Assert.True(na.Override);
        Assert.Equal("33:33:00:00:00:01", Format(Decoded.Ethernet(reply).DestinationHardwareAddress));
    }

    [Fact]
    public void DadProbeWithASourceOptionIsInvalid()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        Assert.Null(rig.Respond(Frames.Solicitation("::", "2001:db8::100", sourceOption: true), out var reason));
        Assert.Equal(DropReason.NdpInvalid, reason);
    }

    [Fact]
    public void SolicitationForAnAddressNotAnnouncedIsNotAnswered()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        Assert.Null(rig.Respond(Frames.Solicitation("2001:db8::1", "2001:db8::101"), out var reason));
        Assert.Equal(DropReason.NotAnnounced, reason);
    }

    [Fact]
    public void BadChecksumIsDropped()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        var frame = Frames.Solicitation("2001:db8::1", "2001:db8::100");
        frame[14 + 40 + 2] ^= 0x01;
        Assert.Null(rig.Respond(frame, out var reason));
        Assert.Equal(DropReason.NdpBadChecksum, reason);
    }

    [Fact]
    public void HopLimitBelow255IsDropped()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        var frame = Frames.Solicitation("2001:db8::1", "2001:db8::100");
        frame[14 + 7] = 64;
        Assert.Null(rig.Respond(frame, out var reason));
        Assert.Equal(DropReason.NdpInvalid, reason);
    }

    [Fact]
    public void SolicitationToTheWrongGroupIsDropped()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        Assert.Null(rig.Respond(Frames.Solicitation("2001:db8::1", "2001:db8::100", destination: "ff02::1:ff00:999"), out var reason));
        Assert.Equal(DropReason.NdpInvalid, reason);
    }

    [Fact]
    public void OurOwnSolicitationIsIgnored()
    {
        using var rig = new ResponderRig(addresses: "2001:db8::100");
        Assert.Null(rig.Respond(Frames.Solicitation("2001:db8::1", "2001:db8::100", from: Frames.Ours), out var reason));
        Assert.Equal(DropReason.OwnFrame, reason);
    }

    private static string Format(System.Net.NetworkInformation.PhysicalAddress address)
        => string.Join(':', address.GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
