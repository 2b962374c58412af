using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// The text of an address as MetalLB's speaker hashes it: Go's <c>net.IP.String()</c>, which is the canonical
/// form of RFC 5952 except that an IPv4-mapped IPv6 address prints as the bare dotted quad.
/// </summary>
internal static class ElectionKey
{
    /// <summary>The longest key in bytes (all ASCII).</summary>
    public const int MaxLength = AddressTextFormatter.MaxLength;

    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;

    /// <summary>Writes the address's key as ASCII bytes and returns how many were written.</summary>
    public static int Write(IPAddr address, Span<byte> destination)
    {
        if (!address.IsIPv4 && address.Value >> 32 == MappedPrefix >> 32)
        {
            address = IPAddr.FromIPv4((uint)address.Value);
        }

        Span<char> text = stackalloc char[MaxLength];
        AddressTextFormatter.TryFormat(address, text, out var length);
        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)text[i];
        }

        return length;
    }
}
