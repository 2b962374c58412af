namespace BareLb.Core.Addresses;

/// <summary>
/// Strict text parsing of addresses: dotted-quad IPv4 without leading zeros, IPv6 with at most one
/// "::" and an optional trailing dotted quad, no zones. Returns a <see cref="ParseFailure"/> that
/// points at the wrong characters instead of throwing.
/// </summary>
internal static class AddressTextParser
{
    public static ParseFailure? TryParseAddress(ReadOnlySpan<char> s, out IPAddr result)
    {
        result = default;
        if (s.IsEmpty)
        {
            return ParseFailure.At(0, 0, "the text is empty");
        }

        if (s.Contains(':'))
        {
            var failure6 = TryParseIPv6(s, out var value6);
            result = IPAddr.FromIPv6(value6);
            return failure6;
        }

        var failure4 = TryParseIPv4(s, out var value4);
        result = IPAddr.FromIPv4(value4);
        return failure4;
    }

    public static ParseFailure? TryParseIPv4(ReadOnlySpan<char> s, out uint value)
    {
        value = 0;
        var i = 0;
        for (var part = 0; part < 4; part++)
        {
            var start = i;
            var number = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (i - start == 3)
                {
                    return ParseFailure.At(start, CountDigits(s, start), "an IPv4 part has at most 3 digits");
                }

                number = (number * 10) + (s[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits == 0)
            {
                return i < s.Length
                    ? ParseFailure.At(i, 1, "expected a decimal digit")
                    : ParseFailure.At(i, 0, "an IPv4 address has 4 parts");
            }

            if (digits > 1 && s[start] == '0')
            {
                return ParseFailure.At(start, digits, "an IPv4 part may not have a leading zero");
            }

            if (number > 255)
            {
                return ParseFailure.At(start, digits, "an IPv4 part is at most 255");
            }

            value = (value << 8) | (uint)number;
            if (part < 3)
            {
                if (i >= s.Length)
                {
                    return ParseFailure.At(i, 0, "an IPv4 address has 4 parts");
                }

                if (s[i] != '.')
                {
                    return ParseFailure.At(i, 1, "expected '.'");
                }

                i++;
            }
        }

        return i == s.Length ? null : ParseFailure.At(i, s.Length - i, "unexpected text after the address");
    }

    public static ParseFailure? TryParseIPv6(ReadOnlySpan<char> s, out UInt128 value)
    {
        value = 0;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;

        if (s.StartsWith("::"))
        {
            gap = 0;
            i = 2;
        }
        else if (s.Length > 0 && s[0] == ':')
        {
            return ParseFailure.At(0, 1, "an IPv6 address may not start with a single ':'");
        }

        while (i < s.Length)
        {
            var start = i;
            var group = 0;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]))
            {
                if (i - start == 4)
                {
                    return ParseFailure.At(start, CountHexDigits(s, start), "an IPv6 group has at most 4 hex digits");
                }

                group = (group << 4) | HexValue(s[i]);
                i++;
            }

            if (i < s.Length && s[i] == '.')
            {
                // A dotted quad in the last 32 bits (e.g. ::ffff:198.18.0.1).
                if (count > 6)
                {
                    return ParseFailure.At(start, s.Length - start, "no room for an IPv4 part after 6 groups");
                }

                if (TryParseIPv4(s[start..], out var v4) is { } inner)
                {
                    return inner.Shift(start);
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = s.Length;
                break;
            }

            if (i == start)
            {
                return i < s.Length && s[i] == '%'
                    ? ParseFailure.At(i, s.Length - i, "zones are not allowed")
                    : ParseFailure.At(i, 1, "expected a hex digit");
            }

            if (count == 8)
            {
                return ParseFailure.At(start, i - start, "an IPv6 address has at most 8 groups");
            }

            groups[count++] = (ushort)group;
            if (i == s.Length)
            {
                break;
            }

            if (s[i] != ':')
            {
                return s[i] == '%'
                    ? ParseFailure.At(i, s.Length - i, "zones are not allowed")
                    : ParseFailure.At(i, 1, "expected ':' or a hex digit");
            }

            i++;
            if (i < s.Length && s[i] == ':')
            {
                if (gap >= 0)
                {
                    return ParseFailure.At(i - 1, 2, "'::' may appear only once");
                }

                gap = count;
                i++;
            }
            else if (i == s.Length)
            {
                return ParseFailure.At(i - 1, 1, "an IPv6 address may not end with a single ':'");
            }
        }

        if (gap < 0 && count != 8)
        {
            return ParseFailure.At(s.Length, 0, "an IPv6 address has 8 groups, or '::' for a run of zero groups");
        }

        if (gap >= 0 && count == 8)
        {
            return ParseFailure.At(s.IndexOf("::"), 2, "'::' must stand for at least one group, but there are 8 already");
        }

        UInt128 result = 0;
        var zeros = 8 - count;
        for (var g = 0; g < count; g++)
        {
            if (g == gap)
            {
                result <<= 16 * zeros;
            }

            result = (result << 16) | groups[g];
        }

        if (gap == count)
        {
            result <<= 16 * zeros;
        }

        value = result;
        return null;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static int CountDigits(ReadOnlySpan<char> s, int start)
    {
        var i = start;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }

    private static int CountHexDigits(ReadOnlySpan<char> s, int start)
    {
        var i = start;
        while (i < s.Length && char.IsAsciiHexDigit(s[i]))
        {
            i++;
        }

        return i - start;
    }
}
