using System.Buffers.Binary;
using BareLb.Arp;
using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Speaker.Standalone.Failover;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.Standalone;

/// <summary>
/// What an appliance announces as members come and go, under fake time on a link in memory: in particular that
/// the owner sends a fresh burst when a member that was cut off (and announced the address itself) comes back.
/// </summary>
public sealed class FailoverAnnouncementsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static readonly IPAddr Address = IPAddr.Parse("198.18.0.100");
    private static readonly string[] Both = ["appliance-1", "appliance-2"];

    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryLink _link = new();
    private readonly InMemoryTransport _client;
    private readonly Appliance _owner;
    private readonly Appliance _other;

    public FailoverAnnouncementsTests()
    {
        _client = _link.Connect("client0", MacAddress.Parse("02:00:00:00:00:01"));
        var winner = AddressElection.Winners(Both, [Address])[Address];
        _owner = new Appliance(this, winner, MacAddress.Parse("02:00:00:00:00:0a"));
        _other = new Appliance(this, Both.Single(n => n != winner), MacAddress.Parse("02:00:00:00:00:0b"));
    }

    public void Dispose()
    {
        _owner.Dispose();
        _other.Dispose();
        _client.Dispose();
    }

    [Fact]
    public void TheOwnerAnnouncesAgainWhenACutOffMemberComesBack_AndTheMemberThatHeldItMeanwhileStopsWithoutAnnouncing()
    {
        _owner.Apply(Both, memberReturned: false);
        _other.Apply(Both, memberReturned: false);
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        FinishBursts();

        // Split: each sees itself alone, so both announce; the client follows the last one it heard.
        _owner.Apply([_owner.Name], memberReturned: false);
        _other.Apply([_other.Name], memberReturned: false);
        Assert.Equal(_other.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        FinishBursts();

        // Healed: the owner's live set changes back and a member returned; it is still the owner and announces again.
        _other.Apply(Both, memberReturned: true);
        _owner.Apply(Both, memberReturned: true);
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        Assert.Empty(_other.Announcements.Announced);
        Assert.Equal([Address], _owner.Announcements.Announced);

        // The rest of a full burst, past Linux's ARP locktime, and none from the member that lost the address.
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        _time.Advance(TimeSpan.FromMilliseconds(1100));
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        Assert.Null(_client.ReceiveFrame(Quiet));
    }

    [Fact]
    public void AMemberComingBackMakesNoAnnouncementFromAnApplianceThatOwnsNothing()
    {
        _owner.Apply(Both, memberReturned: false);
        _other.Apply(Both, memberReturned: false);
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        FinishBursts();

        _other.Apply(Both, memberReturned: true);
        Assert.Null(_client.ReceiveFrame(Quiet));
        Assert.Empty(_other.Announcements.Announced);
    }

    [Fact]
    public void AMemberThatLeavesOrDiesTriggersNoFreshBurstForAddressesKept()
    {
        _owner.Apply(Both, memberReturned: false);
        Assert.Equal(_owner.Mac, SenderOfGratuitousArp(_client.ReceiveFrame(Wait)));
        FinishBursts();

        _owner.Apply([_owner.Name], memberReturned: false);
        Assert.Null(_client.ReceiveFrame(Quiet));
        Assert.Equal([Address], _owner.Announcements.Announced);
    }

    /// <summary>Lets every burst run out and drains what it sent (the refresh is a minute away).</summary>
    private void FinishBursts()
    {
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1100));
        }

        while (_client.ReceiveFrame(Quiet) is not null)
        {
        }
    }

    /// <summary>The sender of a gratuitous ARP request for <see cref="Address"/>, read from the frame's bytes (RFC 826 layout).</summary>
    private static MacAddress SenderOfGratuitousArp(byte[]? frame)
    {
        Assert.NotNull(frame);
        Assert.True(frame.Length >= 42, $"a frame of {frame.Length} bytes is too short for ARP");
        Assert.Equal(MacAddress.Broadcast, MacAddress.Read(frame));
        Assert.Equal(0x0806, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(20)));
        Assert.Equal(Address.ToUInt32(), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(28)));
        Assert.Equal(Address.ToUInt32(), BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(38)));
        return MacAddress.Read(frame.AsSpan(22));
    }

    private sealed class Appliance : IDisposable
    {
        private readonly Layer2Engine _engine;

        public Appliance(FailoverAnnouncementsTests test, string name, MacAddress mac)
        {
            Name = name;
            Mac = mac;
            _engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) }, test._time);
            _engine.AddInterface(test._link.Connect("eth0", mac));
            Announcements = new FailoverAnnouncements(_engine, "eth0", name, [Address], NullLogger.Instance);
        }

        public string Name { get; }

        public MacAddress Mac { get; }

        public FailoverAnnouncements Announcements { get; }

        public void Apply(IReadOnlyCollection<string> live, bool memberReturned) => Announcements.Apply(live, memberReturned);

        public void Dispose() => _engine.Dispose();
    }
}
