using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using Microsoft.Extensions.Time.Testing;
using PacketDotNet;

namespace BareLb.Arp.Tests.Announcing;

public sealed class EngineTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLink _link = new();
    private readonly InMemoryTransport _client;
    private readonly Layer2Engine _engine;

    public EngineTests()
    {
        _client = _link.Connect("client0", Frames.Peer);
        _client.JoinMulticast(MacAddress.ForIPv6Multicast(IPv6Addresses.AllNodes));
        _engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) }, _time);
        _engine.AddInterface(_link.Connect("eth0", Frames.Ours));
    }

    public void Dispose()
    {
        _engine.Dispose();
        _client.Dispose();
    }

    [Fact]
    public void GainingAnIpv4AddressAnnouncesAtOnceThenTwicePastTheArpLocktimeThenRefreshesEveryMinute()
    {
        Assert.True(_engine.Announce("eth0", IPAddr.Parse("198.18.0.100")));

        // At once, then 1.1 s apart: each later one past Linux's 1 s locktime since the one before.
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Null(_client.ReceiveFrame(Quiet));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Null(_client.ReceiveFrame(Quiet));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(_client.ReceiveFrame(Quiet));
        _time.Advance(TimeSpan.FromSeconds(30));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
    }

    [Fact]
    public void GainingAnIpv6AddressJoinsItsSolicitedNodeGroupAndSendsUnsolicitedAdvertisements()
    {
        Assert.True(_engine.Announce("eth0", IPAddr.Parse("2001:db8::100")));

        var frame = _client.ReceiveFrame(Wait);
        Assert.NotNull(frame);
        var na = Decoded.Advertisement(frame, out var ip);
        Assert.Equal(Frames.Ip("2001:db8::100"), ip.SourceAddress);
        Assert.Equal(Frames.Ip("ff02::1"), ip.DestinationAddress);
        Assert.True(na.Override);
        Assert.False(na.Solicited);

        _client.TrySend(Frames.Solicitation("2001:db8::1", "2001:db8::100"));
        var reply = _client.ReceiveFrame(Wait);
        Assert.NotNull(reply);
        Assert.True(Decoded.Advertisement(reply, out _).Solicited);
    }

    [Fact]
    public void AnswersRequestsOverTheLinkAndStopsAtOnceWhenWithdrawn()
    {
        var address = IPAddr.Parse("198.18.0.100");
        _engine.Announce("eth0", address);
        Drain();

        _client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.100"));
        var reply = _client.ReceiveFrame(Wait);
        Assert.NotNull(reply);
        Assert.Equal(ArpOperation.Response, Decoded.Arp(reply).Operation);

        Assert.True(_engine.Withdraw("eth0", address));
        _client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.100"));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(_client.ReceiveFrame(Quiet));
        Assert.Empty(_engine.GetAnnounced("eth0"));
    }

    [Fact]
    public void ReannouncingStartsTheBurstAgainAtOnce_WhileTheAddressIsAnsweredThroughout()
    {
        var address = IPAddr.Parse("198.18.0.100");
        Assert.True(_engine.Announce("eth0", address));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));

        // In the refresh phase (next one a minute away): a fresh burst, the first frame at once, the next past the locktime.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_engine.Reannounce("eth0", address));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        Assert.Equal([address], _engine.GetAnnounced("eth0"));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        AssertGratuitousArp(_client.ReceiveFrame(Wait));
    }

    [Fact]
    public void ReannouncingAnAddressNotAnnouncedIsFalseAndSendsNothing()
    {
        Assert.False(_engine.Reannounce("eth0", IPAddr.Parse("198.18.0.101")));
        Assert.Null(_client.ReceiveFrame(Quiet));
    }

    [Fact]
    public void AnnouncingTwiceIsIdempotentAndWithdrawingUnknownIsFalse()
    {
        var address = IPAddr.Parse("198.18.0.100");
        Assert.True(_engine.Announce("eth0", address));
        Assert.False(_engine.Announce("eth0", address));
        Assert.False(_engine.Withdraw("eth0", IPAddr.Parse("198.18.0.101")));
        Assert.Equal([address], _engine.GetAnnounced("eth0"));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("ff02::1")]
    public void UnannounceableAddressesAreRefused(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => _engine.Announce("eth0", IPAddr.Parse(text)));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownInterfaceIsRefusedWithItsName()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _engine.Announce("eth9", IPAddr.Parse("198.18.0.100")));
        Assert.Contains("eth9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidOptionsAreRefusedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new Layer2Engine(new Layer2Options { AnnouncementCount = 0 }));
        Assert.Contains(nameof(Layer2Options.AnnouncementCount), error.Message, StringComparison.Ordinal);
    }

    private void Drain()
    {
        while (_client.ReceiveFrame(Quiet) is not null)
        {
        }
    }

    private static void AssertGratuitousArp(byte[]? frame)
    {
        Assert.NotNull(frame);
        Assert.True(Decoded.Ethernet(frame).DestinationHardwareAddress.GetAddressBytes().All(b => b == 0xFF));
        var arp = Decoded.Arp(frame);
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(Frames.Ip("198.18.0.100"), arp.SenderProtocolAddress);
        Assert.Equal(Frames.Ip("198.18.0.100"), arp.TargetProtocolAddress);
    }
}
