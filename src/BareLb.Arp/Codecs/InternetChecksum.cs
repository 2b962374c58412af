using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BareLb.Arp.Codecs;

/// <summary>
/// The Internet checksum (RFC 1071): a one's-complement sum of 16-bit words. Sums are kept in
/// native byte order in a 64-bit one's-complement accumulator, 64 bits at a time, which RFC 1071
/// shows is equivalent, and are folded and swapped once at the end.
/// </summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running sum; <paramref name="data"/> must start at an even offset of the message.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        // Eight bytes at a time with an end-around carry: a one's-complement sum of 64-bit
        // words folds to the same 16-bit sum as one of 16-bit words (RFC 1071, section 2).
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            sum += word;
            sum += sum < word ? 1UL : 0UL;
        }

        var i = words.Length * 8;
        if (data.Length - i >= 4)
        {
            sum = AddCarry(sum, MemoryMarshal.Read<uint>(data[i..]));
            i += 4;
        }

        if (data.Length - i >= 2)
        {
            sum = AddCarry(sum, MemoryMarshal.Read<ushort>(data[i..]));
            i += 2;
        }

        if (i < data.Length)
        {
            sum = AddCarry(sum, BitConverter.IsLittleEndian ? data[i] : (ulong)data[i] << 8);
        }

        return sum;
    }

    /// <summary>Adds a 16-bit value given in host order, as if it were a word of the message.</summary>
    public static ulong AddWord(ulong sum, ushort hostOrderWord)
        => AddCarry(sum, BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(hostOrderWord) : hostOrderWord);

    private static ulong AddCarry(ulong sum, ulong value)
    {
        sum += value;
        return sum + (sum < value ? 1UL : 0UL);
    }

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
