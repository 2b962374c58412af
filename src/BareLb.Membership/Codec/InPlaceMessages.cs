using System.Text;
using BareLb.Membership.Codec.Formatters;
using BareLb.Membership.Messages;
using MessagePack;

namespace BareLb.Membership.Codec;

/// <summary>
/// The messages of the steady-state receive path read in place: their strings and bytes are spans
/// of the packet, so that reading them allocates nothing. Each reads exactly what its formatter
/// accepts (the formatters build their records from these), and <c>ToRecord</c> makes the record.
/// </summary>
internal static class InPlaceMessages
{
    /// <summary>Reads one value of a ref struct type from a reader.</summary>
    public delegate T Reader<out T>(scoped ref MessagePackReader reader)
        where T : allows ref struct;

    /// <summary>Reads a message body with <paramref name="read"/>; false when it is malformed (as <see cref="MessageCodec.TryDecode{T}(ReadOnlyMemory{byte}, out T)"/>).</summary>
    public static bool TryRead<T>(ReadOnlyMemory<byte> body, Reader<T> read, out T message)
        where T : allows ref struct
    {
        try
        {
            var reader = new MessagePackReader(body);
            message = read(ref reader);
            return true;
        }
        catch (Exception e) when (MessageCodec.IsMalformed(e))
        {
            message = default!;
            return false;
        }
    }

    /// <summary>The field name as a string, as the formatters read it.</summary>
    public static string Text(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
}

/// <summary>memberlist's <c>ping</c> in place.</summary>
internal readonly ref struct PingView
{
    public uint SeqNo { get; init; }

    public ReadOnlySpan<byte> Node { get; init; }

    public ReadOnlySpan<byte> SourceAddr { get; init; }

    public ushort SourcePort { get; init; }

    public ReadOnlySpan<byte> SourceNode { get; init; }

    public static PingView Read(scoped ref MessagePackReader reader)
    {
        var view = default(PingView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            var key = WireFields.ReadKeyRaw(ref reader);
            if (key.SequenceEqual("SeqNo"u8))
            {
                view = view with { SeqNo = reader.ReadUInt32() };
            }
            else if (key.SequenceEqual("Node"u8))
            {
                view = view with { Node = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("SourceAddr"u8))
            {
                view = view with { SourceAddr = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("SourcePort"u8))
            {
                view = view with { SourcePort = reader.ReadUInt16() };
            }
            else if (key.SequenceEqual("SourceNode"u8))
            {
                view = view with { SourceNode = WireFields.ReadRaw(ref reader) };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    public Ping ToRecord() => new(SeqNo, InPlaceMessages.Text(Node), SourceAddr.IsEmpty ? null : SourceAddr.ToArray(), SourcePort, SourceNode.IsEmpty ? null : InPlaceMessages.Text(SourceNode));
}

/// <summary>memberlist's <c>ackResp</c> (and, without a payload, <c>nackResp</c>) in place.</summary>
internal readonly ref struct AckView
{
    public uint SeqNo { get; init; }

    public ReadOnlySpan<byte> Payload { get; init; }

    public static AckView Read(scoped ref MessagePackReader reader)
    {
        var view = default(AckView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            var key = WireFields.ReadKeyRaw(ref reader);
            if (key.SequenceEqual("SeqNo"u8))
            {
                view = view with { SeqNo = reader.ReadUInt32() };
            }
            else if (key.SequenceEqual("Payload"u8))
            {
                view = view with { Payload = WireFields.ReadRaw(ref reader) };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    /// <summary>A nack has only the sequence number: any payload field is skipped, as the nack formatter skips it.</summary>
    public static AckView ReadNack(scoped ref MessagePackReader reader)
    {
        var view = default(AckView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            if (WireFields.ReadKeyRaw(ref reader).SequenceEqual("SeqNo"u8))
            {
                view = view with { SeqNo = reader.ReadUInt32() };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    public AckResponse ToAck() => new(SeqNo, Payload.ToArray());

    public NackResponse ToNack() => new(SeqNo);
}

/// <summary>memberlist's <c>alive</c> in place.</summary>
internal readonly ref struct AliveView
{
    public uint Incarnation { get; init; }

    public ReadOnlySpan<byte> Node { get; init; }

    public ReadOnlySpan<byte> Addr { get; init; }

    public ushort Port { get; init; }

    public ReadOnlySpan<byte> Meta { get; init; }

    public ReadOnlySpan<byte> Vsn { get; init; }

    public static AliveView Read(scoped ref MessagePackReader reader)
    {
        var view = default(AliveView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            var key = WireFields.ReadKeyRaw(ref reader);
            if (key.SequenceEqual("Incarnation"u8))
            {
                view = view with { Incarnation = reader.ReadUInt32() };
            }
            else if (key.SequenceEqual("Node"u8))
            {
                view = view with { Node = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("Addr"u8))
            {
                view = view with { Addr = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("Port"u8))
            {
                view = view with { Port = reader.ReadUInt16() };
            }
            else if (key.SequenceEqual("Meta"u8))
            {
                view = view with { Meta = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("Vsn"u8))
            {
                view = view with { Vsn = WireFields.ReadRaw(ref reader) };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    public Alive ToRecord() => new(Incarnation, InPlaceMessages.Text(Node), Addr.ToArray(), Port, Meta.ToArray(), Vsn.ToArray());
}

/// <summary>memberlist's <c>suspect</c> and <c>dead</c> (the same fields) in place.</summary>
internal readonly ref struct NewsView
{
    public uint Incarnation { get; init; }

    public ReadOnlySpan<byte> Node { get; init; }

    public ReadOnlySpan<byte> From { get; init; }

    public static NewsView Read(scoped ref MessagePackReader reader)
    {
        var view = default(NewsView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            var key = WireFields.ReadKeyRaw(ref reader);
            if (key.SequenceEqual("Incarnation"u8))
            {
                view = view with { Incarnation = reader.ReadUInt32() };
            }
            else if (key.SequenceEqual("Node"u8))
            {
                view = view with { Node = WireFields.ReadRaw(ref reader) };
            }
            else if (key.SequenceEqual("From"u8))
            {
                view = view with { From = WireFields.ReadRaw(ref reader) };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    public Suspect ToSuspect() => new(Incarnation, InPlaceMessages.Text(Node), InPlaceMessages.Text(From));

    public Dead ToDead() => new(Incarnation, InPlaceMessages.Text(Node), InPlaceMessages.Text(From));
}

/// <summary>memberlist's <c>compress</c> wrapper in place.</summary>
internal readonly ref struct CompressedView
{
    public int Algo { get; init; }

    public ReadOnlySpan<byte> Buf { get; init; }

    public static CompressedView Read(scoped ref MessagePackReader reader)
    {
        var view = default(CompressedView);
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            var key = WireFields.ReadKeyRaw(ref reader);
            if (key.SequenceEqual("Algo"u8))
            {
                view = view with { Algo = reader.ReadInt32() };
            }
            else if (key.SequenceEqual("Buf"u8))
            {
                view = view with { Buf = WireFields.ReadRaw(ref reader) };
            }
            else
            {
                WireFields.Skip(ref reader);
            }
        }

        return view;
    }

    public CompressedPayload ToRecord() => new(Algo, Buf.ToArray());
}
