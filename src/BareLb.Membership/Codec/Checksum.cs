using System.Buffers.Binary;
using System.IO.Hashing;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>
/// memberlist's <c>hasCrcMsg</c> framing of packets: the type byte 12, the big-endian CRC-32 (IEEE)
/// of the rest, then the message. memberlist adds it for peers that speak protocol 5.
/// </summary>
internal static class Checksum
{
    /// <summary>The length of the header.</summary>
    public const int HeaderLength = 5;

    /// <summary>The message with the checksum header in front.</summary>
    public static byte[] Add(ReadOnlySpan<byte> message)
    {
        var framed = new byte[HeaderLength + message.Length];
        Write(message, framed);
        return framed;
    }

    /// <summary>Writes the message with the checksum header in front into <paramref name="destination"/>; returns the length written.</summary>
    public static int Write(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        var crc = Crc32.HashToUInt32(message);
        message.CopyTo(destination[HeaderLength..]);
        destination[0] = (byte)MessageType.HasCrc;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], crc);
        return HeaderLength + message.Length;
    }

    /// <summary>
    /// As memberlist's <c>ingestPacket</c>: a packet of at least 5 bytes starting with 12 carries a checksum,
    /// which must match (else false); any other packet is returned whole.
    /// </summary>
    public static bool TryRemove(ReadOnlyMemory<byte> packet, out ReadOnlyMemory<byte> message)
    {
        message = packet;
        var span = packet.Span;
        if (span.Length < HeaderLength || span[0] != (byte)MessageType.HasCrc)
        {
            return true;
        }

        message = packet[HeaderLength..];
        return BinaryPrimitives.ReadUInt32BigEndian(span[1..]) == Crc32.HashToUInt32(message.Span);
    }
}
