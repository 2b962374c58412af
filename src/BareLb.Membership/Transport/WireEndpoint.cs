using System.Diagnostics.Metrics;
using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Codec.Streams;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Membership.Transport;

/// <summary>
/// The wire between the transport and the protocol: turns received packets and streams into
/// messages with <see cref="PacketCodec"/> and <see cref="WireStream"/>, counts what it drops by
/// reason, and logs a peer whose key does not match ours once (then at most once per
/// <see cref="KeyMismatchLogInterval"/>), so a wrong key is one clear line per peer.
/// </summary>
internal sealed partial class WireEndpoint : IDisposable
{
    /// <summary>How often a peer whose packets we cannot decrypt is logged again.</summary>
    public static readonly TimeSpan KeyMismatchLogInterval = TimeSpan.FromMinutes(10);

    private const int MaxRemembered = 4096;

    private readonly PacketCodec _codec;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, long> _keyMismatchLogged = [];

    public WireEndpoint(WireSettings settings, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _codec = new PacketCodec(settings);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Metrics = new WireMetrics(meterFactory);
    }

    public WireSettings Settings => _codec.Settings;

    public WireMetrics Metrics { get; }

    /// <summary>Bytes that framing adds to one packet (for the gossip budget).</summary>
    public int PacketOverhead => _codec.Overhead;

    /// <summary>The messages of a packet as records; empty when it was dropped (counted and, for a key mismatch, logged).</summary>
    public IReadOnlyList<InboundMessage> Receive(ReadOnlyMemory<byte> packet, IPEndPoint from)
    {
        var messages = new List<InboundMessage>(1);
        var records = new PacketCodec.RecordSink(messages, null);
        return Receive(packet, from, ref records) ? messages : [];
    }

    /// <summary>
    /// Hands a packet's messages to <paramref name="sink"/> in place (see <see cref="PacketCodec.Decode{TSink}"/>);
    /// false when the whole packet was dropped. Drops are counted and logged as by the other overload.
    /// </summary>
    public bool Receive<TSink>(ReadOnlyMemory<byte> packet, IPEndPoint from, ref TSink sink)
        where TSink : IMessageSink
    {
        ArgumentNullException.ThrowIfNull(from);
        var counting = new CountingSink<TSink>(sink, Metrics);
        var reason = _codec.Decode(packet, ref counting);
        sink = counting.Inner;
        if (reason != DropReason.None)
        {
            Metrics.PacketDropped(reason);
            Report(reason, from, "packet");
            return false;
        }

        if (counting.Dropped > 0)
        {
            Log.PartsDropped(_logger, counting.Dropped, from, WireMetrics.ReasonTag(counting.FirstDropped));
        }

        return true;
    }

    /// <summary>A packet ready to send: one message (type byte included, possibly a compound); <paramref name="checksum"/> for peers that speak protocol 5.</summary>
    public byte[] Frame(ReadOnlySpan<byte> message, bool checksum) => _codec.Encode(message, checksum);

    /// <summary>A packet of the protocol's messages: the first alone, or all as one compound (at most 255); see <see cref="Frame(ReadOnlySpan{byte}, bool)"/>.</summary>
    public byte[] Frame(IReadOnlyList<object> messages, bool checksum)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var parts = messages.Take(CompoundMessage.MaxParts).Select(static m => AnyMessage.Encode(m)).ToList();
        var message = parts.Count == 1 ? parts[0] : CompoundMessage.Encode([.. parts.Select(static p => (ReadOnlyMemory<byte>)p)]);
        return Frame(message, checksum);
    }

    /// <summary>Frames one message into <paramref name="destination"/> without allocating, when compression cannot shrink it (see <see cref="PacketCodec.TryEncode"/>).</summary>
    public bool TryFrame(ReadOnlySpan<byte> message, bool checksum, Span<byte> destination, out int written)
        => _codec.TryEncode(message, checksum, destination, out written);

    /// <summary>Reads a stream's message type; a refused stream is counted, logged when the key does not match, and returned with its reason.</summary>
    public async Task<StreamMessage> ReadStreamAsync(Stream stream, IPEndPoint from, bool accepting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        var message = await WireStream.ReadAsync(stream, Settings, accepting, cancellationToken).ConfigureAwait(false);
        if (message.Reason != DropReason.None)
        {
            StreamDropped(message.Reason, from);
        }

        return message;
    }

    /// <summary>Counts (and, for a key mismatch, logs) a stream dropped after its type was read (a bad body).</summary>
    public void StreamDropped(DropReason reason, IPEndPoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        Metrics.StreamDropped(reason);
        Report(reason, from, "stream");
    }

    /// <summary>Writes one message on a stream.</summary>
    public Task WriteStreamAsync(Stream stream, ReadOnlyMemory<byte> message, bool dialing, CancellationToken cancellationToken)
        => WireStream.WriteAsync(stream, Settings, message, dialing, cancellationToken);

    public void Dispose() => Metrics.Dispose();

    /// <summary>Counts the parts dropped on the way to the sink (each in the drop counter), remembering the first reason for the log.</summary>
    private struct CountingSink<TSink>(TSink inner, WireMetrics metrics) : IMessageSink
        where TSink : IMessageSink
    {
        public TSink Inner = inner;

        public int Dropped { get; private set; }

        public DropReason FirstDropped { get; private set; }

        public bool Message(MessageType type, ReadOnlyMemory<byte> body) => Inner.Message(type, body);

        public void PartDropped(DropReason reason)
        {
            metrics.PacketDropped(reason);
            FirstDropped = Dropped++ == 0 ? reason : FirstDropped;
            Inner.PartDropped(reason);
        }
    }

    private void Report(DropReason reason, IPEndPoint from, string kind)
    {
        if (reason is not (DropReason.Undecryptable or DropReason.EncryptionMismatch))
        {
            Log.Dropped(_logger, kind, from, WireMetrics.ReasonTag(reason));
            return;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_keyMismatchLogged.TryGetValue(from.Address, out var last) && _time.GetElapsedTime(last, now) < KeyMismatchLogInterval)
            {
                return;
            }

            if (_keyMismatchLogged.Count >= MaxRemembered)
            {
                _keyMismatchLogged.Clear();
            }

            _keyMismatchLogged[from.Address] = now;
        }

        if (reason == DropReason.Undecryptable)
        {
            Log.WrongKey(_logger, from.Address, kind, Settings.Keyring?.KeyBytes.Length ?? 0);
        }
        else
        {
            Log.EncryptionMismatch(_logger, from.Address, kind, Settings.EncryptionEnabled ? "we require encryption and it sent plain text" : "it encrypts and we have no key");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1210, LogLevel.Warning, "Membership peer {Peer} sends {Kind}s that none of our {Keys} key(s) decrypts: its memberlist secret key differs from ours (MetalLB derives it from the memberlist Secret's secretkey); its packets are dropped and it stays out of our membership. Logged once per peer every 10 minutes")]
        public static partial void WrongKey(ILogger logger, IPAddress peer, string kind, int keys);

        [LoggerMessage(1211, LogLevel.Warning, "Membership peer {Peer}: {Kind} refused, {Why}; check that every member has the same memberlist secret. Logged once per peer every 10 minutes")]
        public static partial void EncryptionMismatch(ILogger logger, IPAddress peer, string kind, string why);

        [LoggerMessage(1212, LogLevel.Debug, "Membership {Kind} from {Peer} dropped: {Reason}")]
        public static partial void Dropped(ILogger logger, string kind, IPEndPoint peer, string reason);

        [LoggerMessage(1213, LogLevel.Debug, "Membership packet from {Peer}: {Count} part(s) dropped, the first for {Reason}")]
        public static partial void PartsDropped(ILogger logger, int count, IPEndPoint peer, string reason);
    }
}
