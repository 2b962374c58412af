using System.Diagnostics.CodeAnalysis;

namespace BareLb.Core.Addresses;

/// <summary>
/// A CIDR prefix such as 198.18.0.0/15 or 2001:db8::/64. The address is kept masked: parsing
/// "198.18.0.5/24" gives 198.18.0.0/24, as MetalLB (Go's <c>net.ParseCIDR</c>) does.
/// </summary>
public readonly struct IPPrefix : IEquatable<IPPrefix>, ISpanParsable<IPPrefix>, ISpanFormattable
{
    /// <summary>Creates a prefix; the address's host bits are cleared.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or longer than the family's bits.</exception>
    public IPPrefix(IPAddr address, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, address.BitLength);
        Length = length;
        Network = IPAddr.FromValue(address.Family, address.Value & Mask(address.Family, length));
    }

    /// <summary>The first address of the prefix (host bits cleared).</summary>
    public IPAddr Network { get; }

    /// <summary>The prefix length in bits.</summary>
    public int Length { get; }

    /// <summary>The address family.</summary>
    public IPFamily Family => Network.Family;

    /// <summary>The last address of the prefix.</summary>
    public IPAddr Last => IPAddr.FromValue(Family, Network.Value | (~Mask(Family, Length) & IPAddr.MaxValueOf(Family)));

    /// <summary>The addresses of the prefix as a range.</summary>
    public IPRange ToRange() => new(Network, Last);

    /// <summary>Whether the prefix holds the address.</summary>
    public bool Contains(IPAddr address) =>
        address.Family == Family && (address.Value & Mask(Family, Length)) == Network.Value;

    /// <summary>The network mask of a prefix length, as a number of the family's width.</summary>
    public static UInt128 Mask(IPFamily family, int length)
    {
        var bits = IPAddr.BitLengthOf(family);
        if (length == 0)
        {
            return 0;
        }

        var all = IPAddr.MaxValueOf(family);
        return (all << (bits - length)) & all;
    }

    /// <summary>Parses "address/length".</summary>
    /// <exception cref="FormatException">The text is not a prefix; the message names the wrong characters.</exception>
    public static IPPrefix Parse(ReadOnlySpan<char> s)
    {
        var failure = TryParseCore(s, out var result);
        return failure is { } f ? throw new FormatException(f.Describe(s, "a CIDR prefix")) : result;
    }

    /// <summary>Parses "address/length".</summary>
    /// <exception cref="FormatException">The text is not a prefix; the message names the wrong characters.</exception>
    public static IPPrefix Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses "address/length" without throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPPrefix result) => TryParseCore(s, out result) is null;

    /// <summary>Parses "address/length" without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out IPPrefix result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    internal static ParseFailure? TryParseCore(ReadOnlySpan<char> s, out IPPrefix result)
    {
        result = default;
        var slash = s.IndexOf('/');
        if (slash < 0)
        {
            return ParseFailure.At(s.Length, 0, "a prefix needs '/' and a length");
        }

        if (AddressTextParser.TryParseAddress(s[..slash], out var address) is { } bad)
        {
            return bad;
        }

        var digits = s[(slash + 1)..];
        var length = 0;
        if (digits.IsEmpty)
        {
            return ParseFailure.At(s.Length, 0, "the prefix length is missing");
        }

        for (var i = 0; i < digits.Length; i++)
        {
            if (!char.IsAsciiDigit(digits[i]) || i >= 3)
            {
                return ParseFailure.At(slash + 1 + i, 1, "the prefix length is a decimal number");
            }

            length = (length * 10) + (digits[i] - '0');
        }

        if ((digits.Length > 1 && digits[0] == '0') || length > address.BitLength)
        {
            return ParseFailure.At(slash + 1, digits.Length, $"the prefix length of an {address.Family} address is 0 to {address.BitLength}");
        }

        result = new IPPrefix(address, length);
        return null;
    }

    static IPPrefix ISpanParsable<IPPrefix>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<IPPrefix>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out IPPrefix result) => TryParse(s, out result);

    static IPPrefix IParsable<IPPrefix>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<IPPrefix>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out IPPrefix result) => TryParse(s, out result);

    /// <summary>Formats as "address/length".</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (!Network.TryFormat(destination, out var n) || n >= destination.Length)
        {
            return false;
        }

        destination[n] = '/';
        if (!Length.TryFormat(destination[(n + 1)..], out var m, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        charsWritten = n + 1 + m;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>Formats as "address/length".</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[64];
        TryFormat(buffer, out var n);
        return new string(buffer[..n]);
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool Equals(IPPrefix other) => Network == other.Network && Length == other.Length;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IPPrefix other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Network, Length);

    /// <summary>Whether two prefixes are equal.</summary>
    public static bool operator ==(IPPrefix left, IPPrefix right) => left.Equals(right);

    /// <summary>Whether two prefixes differ.</summary>
    public static bool operator !=(IPPrefix left, IPPrefix right) => !left.Equals(right);
}
