using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using BareLb.Membership.Codec;
using BareLb.Membership.Messages;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Security;
using BareLb.Membership.Transport;

namespace BareLb.Benchmarks.Membership;

/// <summary>
/// A member "a" of a three-member cluster (a, b, c, all alive at incarnation 1) under a clock the
/// benchmark moves, with BareLb's protocol defaults and memberlist's wire defaults (compression on,
/// checksums to protocol-5 peers), optionally with a 32-byte key; and the datagrams its peers send in
/// steady state, framed as a peer frames them.
/// </summary>
internal sealed class ReceiveWorkload
{
    public static readonly IPEndPoint Self = new(IPAddress.Parse("198.18.0.1"), 7946);
    public static readonly IPEndPoint PeerB = new(IPAddress.Parse("198.18.0.2"), 7946);
    public static readonly IPEndPoint PeerC = new(IPAddress.Parse("198.18.0.3"), 7946);
    private static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(static i => (byte)i)];

    private readonly AesGcm? _peerCipher;
    private readonly byte[] _ackPlain = new byte[64];
    private ulong _nonce;

    public ReceiveWorkload(bool encrypted)
    {
        Encrypted = encrypted;
        var settings = encrypted ? new WireSettings { Keyring = new Keyring([Key]) } : WireSettings.Default;
        Wire = new WireEndpoint(settings, Time);
        var peerWire = new WireEndpoint(settings, Time);
        _peerCipher = encrypted ? new AesGcm(Key, PayloadEncryption.TagSize) : null;
        var options = new MembershipOptions { PushPullInterval = TimeSpan.Zero, RejoinInterval = TimeSpan.Zero };
        Protocol = new MembershipProtocol(options, "a", Self, Time, new Random(1));
        Protocol.Start();
        Protocol.HandlePacket(PeerB, Alive("b", PeerB));
        Protocol.HandlePacket(PeerC, Alive("c", PeerC));

        // Let the join gossip run out, so that answers carry no piggybacked gossip (steady state).
        for (var i = 0; i < 1000 && Protocol.PendingBroadcasts > 0; i++)
        {
            Advance(TimeSpan.FromMilliseconds(10));
        }

        if (Protocol.PendingBroadcasts > 0)
        {
            throw new InvalidOperationException("The join gossip did not run out.");
        }

        PingDatagram = peerWire.Frame(MessageCodec.Encode(MessageType.Ping, new Ping(7, "a", PeerB.Address.GetAddressBytes(), 7946, "b")), checksum: true);
        GossipDatagram = peerWire.Frame(
            CompoundMessage.Encode(
            [
                MessageCodec.Encode(MessageType.Alive, Alive("b", PeerB)),
                MessageCodec.Encode(MessageType.Alive, Alive("c", PeerC)),
                MessageCodec.Encode(MessageType.Suspect, new Suspect(0, "c", "b")),
            ]),
            checksum: true);
        CompressedGossipDatagram = peerWire.Frame(
            CompoundMessage.Encode([.. Enumerable.Range(0, 3).SelectMany(static _ => new[] { MessageCodec.Encode(MessageType.Alive, Alive("b", PeerB)), MessageCodec.Encode(MessageType.Alive, Alive("c", PeerC)) }).Select(static m => (ReadOnlyMemory<byte>)m)]),
            checksum: true);
        if (!encrypted && CompressedGossipDatagram[Checksum.HeaderLength] != (byte)MessageType.Compress)
        {
            throw new InvalidOperationException("The compressed gossip is not compressed.");
        }

        AckDatagram = new byte[128];
    }

    public bool Encrypted { get; }

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public WireEndpoint Wire { get; }

    public MembershipProtocol Protocol { get; }

    /// <summary>A ping for "a" from "b" (with its source fields, as memberlist sends it).</summary>
    public byte[] PingDatagram { get; }

    /// <summary>A compound of alive b, alive c (both at the incarnation known) and a suspect of c at an older incarnation: news that changes nothing.</summary>
    public byte[] GossipDatagram { get; }

    /// <summary>A compound of six alives (b, c, b, c, b, c) at the incarnations known, which memberlist's framing compresses.</summary>
    public byte[] CompressedGossipDatagram { get; }

    /// <summary>The buffer <see cref="WriteAck"/> writes the ack for the probe in flight into.</summary>
    public byte[] AckDatagram { get; }

    /// <summary>Moves the clock and runs the protocol's timers; returns the sequence number of the probe it sent, if it sent one.</summary>
    public uint Advance(TimeSpan by)
    {
        Time.Now += by;
        uint probe = 0;
        foreach (var output in Protocol.Tick())
        {
            if (output is SendPacket { Messages: [Ping ping, ..] })
            {
                probe = ping.SeqNo;
            }
        }

        return probe;
    }

    /// <summary>
    /// Writes into <see cref="AckDatagram"/> the datagram a protocol-5 peer answers probe
    /// <paramref name="seqNo"/> with (checksum, then encryption), without allocating; returns its length.
    /// </summary>
    public int WriteAck(uint seqNo)
    {
        // The ack as go-msgpack writes it, with the sequence number in its 32-bit form.
        ReadOnlySpan<byte> head = [(byte)MessageType.AckResponse, 0x82, 0xa7, .. "Payload"u8, 0xc0, 0xa5, .. "SeqNo"u8, 0xce];
        var message = _ackPlain.AsSpan(Checksum.HeaderLength, head.Length + 4);
        head.CopyTo(message);
        BinaryPrimitives.WriteUInt32BigEndian(message[head.Length..], seqNo);
        var framed = _ackPlain.AsSpan(0, Checksum.HeaderLength + message.Length);
        framed[0] = (byte)MessageType.HasCrc;
        BinaryPrimitives.WriteUInt32BigEndian(framed[1..], Crc32.HashToUInt32(message));
        if (_peerCipher is null)
        {
            framed.CopyTo(AckDatagram);
            return framed.Length;
        }

        var length = PayloadEncryption.EncryptedLength(1, framed.Length);
        var output = AckDatagram.AsSpan(0, length);
        output[0] = 1;
        var nonce = output.Slice(PayloadEncryption.VersionSize, PayloadEncryption.NonceSize);
        nonce.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce, ++_nonce);
        _peerCipher.Encrypt(nonce, framed, output.Slice(PayloadEncryption.VersionSize + PayloadEncryption.NonceSize, framed.Length), output[^PayloadEncryption.TagSize..]);
        return length;
    }

    private static Alive Alive(string name, IPEndPoint at) => new(1, name, at.Address.GetAddressBytes(), (ushort)at.Port, [], Vsn);

    /// <summary>A clock the benchmark moves by hand.</summary>
    internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
