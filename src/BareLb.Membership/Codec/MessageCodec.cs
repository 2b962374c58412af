using System.Buffers;
using BareLb.Membership.Codec.Formatters;
using BareLb.Membership.Messages;
using MessagePack;

namespace BareLb.Membership.Codec;

/// <summary>
/// Encodes and decodes memberlist's messages as memberlist does (<c>encode</c> and <c>decode</c>
/// in util.go): the message type byte, then the message as a MessagePack map, written by
/// MessagePack-CSharp in old-spec mode with the formatters of <see cref="MessageFormatterResolver"/>.
/// Decoding never throws: bad input returns false.
/// </summary>
internal static class MessageCodec
{
    /// <summary>The serializer options: our resolver only, old-spec strings and bytes, untrusted-data limits.</summary>
    public static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(MessageFormatterResolver.Instance)
        .WithOldSpec(true)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The message type byte followed by the message.</summary>
    public static byte[] Encode<T>(MessageType type, T message)
        where T : class
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(buffer, type, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the message type byte and the message to <paramref name="output"/>.</summary>
    public static void Write<T>(IBufferWriter<byte> output, MessageType type, T message)
        where T : class
    {
        output.GetSpan(1)[0] = (byte)type;
        output.Advance(1);
        WriteBody(output, message);
    }

    /// <summary>Appends the message alone (no type byte), as memberlist's stream encoder writes headers and node states.</summary>
    public static void WriteBody<T>(IBufferWriter<byte> output, T message)
        where T : class
    {
        var writer = new MessagePackWriter(output) { OldSpec = true };
        Options.Resolver.GetFormatter<T>()!.Serialize(ref writer, message, Options);
        writer.Flush();
    }

    /// <summary>Appends an ack (type byte included) for <paramref name="seqNo"/> with no payload, without its record.</summary>
    public static void WriteAck(IBufferWriter<byte> output, uint seqNo)
    {
        output.GetSpan(1)[0] = (byte)MessageType.AckResponse;
        output.Advance(1);
        var writer = new MessagePackWriter(output) { OldSpec = true };
        AckResponseFormatter.Write(ref writer, seqNo, default);
        writer.Flush();
    }

    /// <summary>Whether <paramref name="exception"/> is how MessagePack-CSharp refuses bad input (a malformed message, not a bug of ours).</summary>
    public static bool IsMalformed(Exception exception)
        => exception is MessagePackSerializationException or EndOfStreamException or ArgumentException or OverflowException or InvalidOperationException;

    /// <summary>Decodes one message from the start of <paramref name="body"/> (the bytes after the type byte); trailing bytes are ignored, as go-msgpack's decoder ignores them.</summary>
    public static bool TryDecode<T>(ReadOnlyMemory<byte> body, out T? message)
        where T : class
        => TryDecode(new ReadOnlySequence<byte>(body), out message, out _);

    /// <summary>The outcome of decoding from a buffer that may hold only the start of a message.</summary>
    public enum Status
    {
        Ok,
        Incomplete,
        Malformed,
    }

    /// <summary>Decodes one message from the start of <paramref name="buffer"/>, telling a message cut short (more bytes may come) from a bad one.</summary>
    public static Status TryDecodePrefix<T>(ReadOnlyMemory<byte> buffer, out T? message, out int consumed)
        where T : class
    {
        message = null;
        consumed = 0;
        try
        {
            var reader = new MessagePackReader(buffer);
            message = Options.Resolver.GetFormatter<T>()!.Deserialize(ref reader, Options);
            consumed = (int)reader.Consumed;
            return message is null ? Status.Malformed : Status.Ok;
        }
        catch (EndOfStreamException)
        {
            return Status.Incomplete;
        }
        catch (MessagePackSerializationException e) when (e.InnerException is EndOfStreamException)
        {
            return Status.Incomplete;
        }
        catch (ArgumentOutOfRangeException)
        {
            // MessagePack-CSharp 2.5 throws this (not EndOfStreamException) when a string, binary or
            // skipped value's length runs past the end of the buffer (SequenceReader.TryAdvance).
            return Status.Incomplete;
        }
        catch (ArgumentException)
        {
            return Status.Malformed;
        }
        catch (MessagePackSerializationException)
        {
            return Status.Malformed;
        }
        catch (OverflowException)
        {
            return Status.Malformed;
        }
        catch (InvalidOperationException)
        {
            return Status.Malformed;
        }
    }

    /// <summary>Decodes one message from the start of <paramref name="body"/>; <paramref name="consumed"/> is where the next one starts.</summary>
    public static bool TryDecode<T>(ReadOnlySequence<byte> body, out T? message, out SequencePosition consumed)
        where T : class
    {
        message = null;
        consumed = body.Start;
        try
        {
            var reader = new MessagePackReader(body);
            message = Options.Resolver.GetFormatter<T>()!.Deserialize(ref reader, Options);
            consumed = reader.Position;
            return message is not null;
        }
        catch (Exception e) when (IsMalformed(e))
        {
            // ArgumentException includes MessagePack-CSharp 2.5's ArgumentOutOfRangeException for a length past the end.
            return false;
        }
    }
}
