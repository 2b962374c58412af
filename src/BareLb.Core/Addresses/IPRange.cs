using System.Diagnostics.CodeAnalysis;

namespace BareLb.Core.Addresses;

/// <summary>
/// An inclusive range of addresses of one family, as a pool lists them. Parses the three forms
/// MetalLB accepts: a CIDR ("198.18.35.0/24"), a range ("198.18.35.100-198.18.35.110", spaces
/// around the dash allowed) and a single address.
/// </summary>
public readonly struct IPRange : IEquatable<IPRange>, ISpanParsable<IPRange>, ISpanFormattable
{
    /// <summary>Creates a range.</summary>
    /// <exception cref="ArgumentException">The ends differ in family, or <paramref name="first"/> is after <paramref name="last"/>.</exception>
    public IPRange(IPAddr first, IPAddr last)
    {
        if (first.Family != last.Family)
        {
            throw new ArgumentException($"The range {first}-{last} mixes {first.Family} and {last.Family}.", nameof(last));
        }

        if (first > last)
        {
            throw new ArgumentException($"The range {first}-{last} is inverted: {first} comes after {last}.", nameof(last));
        }

        First = first;
        Last = last;
    }

    /// <summary>The first address.</summary>
    public IPAddr First { get; }

    /// <summary>The last address (inclusive).</summary>
    public IPAddr Last { get; }

    /// <summary>The address family.</summary>
    public IPFamily Family => First.Family;

    /// <summary>
    /// The number of addresses. Exact for every range but the whole IPv6 space (2^128 addresses),
    /// which saturates at <see cref="UInt128.MaxValue"/>; pool validation refuses that range.
    /// </summary>
    public UInt128 Count
    {
        get
        {
            var span = Last.Value - First.Value;
            return span == UInt128.MaxValue ? span : span + 1;
        }
    }

    /// <summary>A range of one address.</summary>
    public static IPRange OfOne(IPAddr address) => new(address, address);

    /// <summary>Whether the range holds the address.</summary>
    public bool Contains(IPAddr address) => address.Family == Family && address.Value >= First.Value && address.Value <= Last.Value;

    /// <summary>Whether the two ranges share an address.</summary>
    public bool Overlaps(IPRange other) => other.Family == Family && other.First.Value <= Last.Value && First.Value <= other.Last.Value;

    /// <summary>The addresses both ranges hold, if any.</summary>
    public bool TryIntersect(IPRange other, out IPRange intersection)
    {
        intersection = default;
        if (!Overlaps(other))
        {
            return false;
        }

        intersection = new IPRange(First > other.First ? First : other.First, Last < other.Last ? Last : other.Last);
        return true;
    }

    /// <summary>Parses a CIDR, an "a-b" range or a single address.</summary>
    /// <exception cref="FormatException">The text is none of them; the message names the wrong characters.</exception>
    public static IPRange Parse(ReadOnlySpan<char> s)
    {
        var failure = TryParseCore(s, out var result);
        return failure is { } f ? throw new FormatException(f.Describe(s, "an address range")) : result;
    }

    /// <summary>Parses a CIDR, an "a-b" range or a single address.</summary>
    /// <exception cref="FormatException">The text is none of them; the message names the wrong characters.</exception>
    public static IPRange Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPRange result) => TryParseCore(s, out result) is null;

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out IPRange result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <summary>Parses without throwing, giving the reason as text when it fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPRange result, [NotNullWhen(false)] out string? error)
    {
        var failure = TryParseCore(s, out result);
        error = failure?.Describe(s, "an address range (a CIDR, 'first-last' or one address)");
        return failure is null;
    }

    internal static ParseFailure? TryParseCore(ReadOnlySpan<char> s, out IPRange result)
    {
        result = default;
        var trimmed = s.Trim();
        var offset = trimmed.IsEmpty ? 0 : s.IndexOf(trimmed[0]);
        if (trimmed.IsEmpty)
        {
            return ParseFailure.At(0, 0, "the text is empty");
        }

        var dash = trimmed.IndexOf('-');
        if (dash >= 0)
        {
            var left = trimmed[..dash];
            var right = trimmed[(dash + 1)..];
            var leftTrimmed = left.TrimEnd();
            var rightStart = right.Length - right.TrimStart().Length;
            if (AddressTextParser.TryParseAddress(leftTrimmed, out var first) is { } badFirst)
            {
                return badFirst.Shift(offset);
            }

            if (AddressTextParser.TryParseAddress(right.Trim(), out var last) is { } badLast)
            {
                return badLast.Shift(offset + dash + 1 + rightStart);
            }

            if (first.Family != last.Family)
            {
                return ParseFailure.At(offset, trimmed.Length, $"the range mixes {first.Family} and {last.Family}");
            }

            if (first > last)
            {
                return ParseFailure.At(offset, trimmed.Length, $"the range is inverted: {first} comes after {last}");
            }

            result = new IPRange(first, last);
            return null;
        }

        if (trimmed.Contains('/'))
        {
            if (IPPrefix.TryParseCore(trimmed, out var prefix) is { } badPrefix)
            {
                return badPrefix.Shift(offset);
            }

            result = prefix.ToRange();
            return null;
        }

        if (AddressTextParser.TryParseAddress(trimmed, out var single) is { } badSingle)
        {
            return badSingle.Shift(offset);
        }

        result = OfOne(single);
        return null;
    }

    static IPRange ISpanParsable<IPRange>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<IPRange>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out IPRange result) => TryParse(s, out result);

    static IPRange IParsable<IPRange>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<IPRange>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out IPRange result) => TryParse(s, out result);

    /// <summary>Formats as "first-last", or as one address for a single-address range.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (!First.TryFormat(destination, out var n))
        {
            return false;
        }

        if (First == Last)
        {
            charsWritten = n;
            return true;
        }

        if (n >= destination.Length || !Last.TryFormat(destination[(n + 1)..], out var m))
        {
            return false;
        }

        destination[n] = '-';
        charsWritten = n + 1 + m;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>Formats as "first-last", or as one address for a single-address range.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[(AddressTextFormatter.MaxLength * 2) + 1];
        TryFormat(buffer, out var n);
        return new string(buffer[..n]);
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool Equals(IPRange other) => First == other.First && Last == other.Last;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IPRange other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(First, Last);

    /// <summary>Whether two ranges are equal.</summary>
    public static bool operator ==(IPRange left, IPRange right) => left.Equals(right);

    /// <summary>Whether two ranges differ.</summary>
    public static bool operator !=(IPRange left, IPRange right) => !left.Equals(right);
}
