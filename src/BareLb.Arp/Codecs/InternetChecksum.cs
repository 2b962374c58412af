using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BareLb.Arp.Codecs;

/// <summary>
/// The Internet checksum (RFC 1071): a one's-complement sum of 16-bit words. Sums are kept in
/// native byte order in a 64-bit accumulator, which RFC 1071 shows is equivalent, and are
/// swapped once at the end. 32-bit words go into the 64-bit accumulator with no carry handling:
/// a frame's sum stays below 2^48, far from overflow, and the fold at the end carries around.
/// (Adding 64-bit words with an end-around carry per word was measured slower here: the carry
/// makes each addition wait for the one before.)
/// </summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum; <paramref name="data"/> must start at an even offset of the message.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, uint>(data);
        foreach (var word in words)
        {
            sum += word;
        }

        var i = words.Length * 4;
        if (data.Length - i >= 2)
        {
            sum += MemoryMarshal.Read<ushort>(data[i..]);
            i += 2;
        }

        if (i < data.Length)
        {
            sum += BitConverter.IsLittleEndian ? data[i] : (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Adds a 16-bit value given in host order, as if it were a word of the message.</summary>
    public static ulong AddWord(ulong sum, ushort hostOrderWord)
        => sum + (BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(hostOrderWord) : hostOrderWord);

    /// <summary>Folds the sum to 16 bits and returns its complement in host order, ready to write big-endian.</summary>
    public static ushort Finish(ulong sum)
    {
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        var folded = (ushort)sum;
        if (BitConverter.IsLittleEndian)
        {
            folded = BinaryPrimitives.ReverseEndianness(folded);
        }

        return (ushort)~folded;
    }

    /// <summary>The running sum of the ICMPv6 pseudo-header (RFC 8200 section 8.1) for an IPv6 packet.</summary>
    /// <param name="addresses">The 32 bytes of source and destination address, as in the IPv6 header.</param>
    /// <param name="upperLayerLength">The ICMPv6 message length.</param>
    public static ulong PseudoHeader(ReadOnlySpan<byte> addresses, int upperLayerLength)
    {
        var sum = Add(0, addresses);
        sum = AddWord(sum, (ushort)(upperLayerLength >> 16));
        sum = AddWord(sum, (ushort)upperLayerLength);
        return AddWord(sum, IPv6Header.NextHeaderIcmpV6);
    }
}
