namespace BareLb.Core.Addresses;

/// <summary>Formats addresses: dotted quads, and IPv6 in the canonical form of RFC 5952.</summary>
internal static class AddressTextFormatter
{
    /// <summary>The longest text an address formats to ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is 45).</summary>
    public const int MaxLength = 45;

    private const string Hex = "0123456789abcdef";

    public static bool TryFormat(IPAddr address, Span<char> destination, out int written)
    {
        written = 0;
        Span<char> buffer = stackalloc char[MaxLength];
        var length = address.IsIPv4 ? FormatIPv4((uint)address.Value, buffer) : FormatIPv6(address.Value, buffer);
        if (length > destination.Length)
        {
            return false;
        }

        buffer[..length].CopyTo(destination);
        written = length;
        return true;
    }

    private static int FormatIPv4(uint value, Span<char> buffer)
    {
        var at = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var part = (value >> shift) & 0xFF;
            ((byte)part).TryFormat(buffer[at..], out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            at += n;
            if (shift > 0)
            {
                buffer[at++] = '.';
            }
        }

        return at;
    }

    private static int FormatIPv6(UInt128 value, Span<char> buffer)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var g = 0; g < 8; g++)
        {
            groups[g] = (ushort)(value >> (112 - (16 * g)));
        }

        // RFC 5952 section 5: ::ffff:0:0/96 (IPv4-mapped) shows the last 32 bits as a dotted quad.
        var mapped = value >> 32 == 0xFFFF;

        // Longest run of two or more zero groups, the first one on a tie (RFC 5952 section 4.2).
        int bestStart = -1, bestLength = 1;
        var groupCount = mapped ? 6 : 8;
        for (var g = 0; g < groupCount;)
        {
            if (groups[g] != 0)
            {
                g++;
                continue;
            }

            var start = g;
            while (g < groupCount && groups[g] == 0)
            {
                g++;
            }

            if (g - start > bestLength)
            {
                bestStart = start;
                bestLength = g - start;
            }
        }

        var at = 0;
        for (var g = 0; g < groupCount; g++)
        {
            if (g == bestStart)
            {
                buffer[at++] = ':';
                if (g == 0)
                {
                    buffer[at++] = ':';
                }

                g += bestLength - 1;
                continue;
            }

            at += FormatGroup(groups[g], buffer[at..]);
            if (g < groupCount - 1)
            {
                buffer[at++] = ':';
            }
        }

        if (mapped)
        {
            if (bestStart + bestLength != groupCount)
            {
                buffer[at++] = ':';
            }

            at += FormatIPv4((uint)value, buffer[at..]);
        }
        return at;
    }

    private static int FormatGroup(ushort group, Span<char> buffer)
    {
        var at = 0;
        var started = false;
        for (var shift = 12; shift >= 0; shift -= 4)
        {
            var nibble = (group >> shift) & 0xF;
            if (nibble == 0 && !started && shift > 0)
            {
                continue;
            }

            started = true;
            buffer[at++] = Hex[nibble];
        }

        return at;
    }
}
