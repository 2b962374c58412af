using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace BareLb.Core.Addresses;

/// <summary>
/// An IPv4 or IPv6 address held as a 128-bit number and its family: cheap to copy, compare,
/// hash and do arithmetic on. Parsing is strict, as MetalLB's (Go's) is: dotted quads without
/// leading zeros, IPv6 without zones. IPv4 addresses sort before IPv6 addresses.
/// </summary>
public readonly struct IPAddr : IEquatable<IPAddr>, IComparable<IPAddr>, ISpanParsable<IPAddr>, ISpanFormattable
{
    private readonly UInt128 _value;
    private readonly IPFamily _family;

    private IPAddr(IPFamily family, UInt128 value)
    {
        _family = family;
        _value = value;
    }

    /// <summary>The family; <see cref="IPFamily.IPv4"/> for <c>default(IPAddr)</c>, which is 0.0.0.0.</summary>
    public IPFamily Family => _family == IPFamily.IPv6 ? IPFamily.IPv6 : IPFamily.IPv4;

    /// <summary>The address as a number: 32 significant bits for IPv4, 128 for IPv6.</summary>
    public UInt128 Value => _value;

    /// <summary>Whether this is an IPv4 address.</summary>
    public bool IsIPv4 => Family == IPFamily.IPv4;

    /// <summary>The number of bits in addresses of this family: 32 or 128.</summary>
    public int BitLength => BitLengthOf(Family);

    /// <summary>The number of bytes in addresses of this family: 4 or 16.</summary>
    public int ByteLength => IsIPv4 ? 4 : 16;

    /// <summary>Creates an IPv4 address from its value in host order (1.2.3.4 is 0x01020304).</summary>
    public static IPAddr FromIPv4(uint value) => new(IPFamily.IPv4, value);

    /// <summary>Creates an IPv6 address from its 128-bit value.</summary>
    public static IPAddr FromIPv6(UInt128 value) => new(IPFamily.IPv6, value);

    /// <summary>Creates an address of a family from its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value does not fit the family.</exception>
    public static IPAddr FromValue(IPFamily family, UInt128 value)
    {
        if (family == IPFamily.IPv4 && value > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "An IPv4 address has 32 bits.");
        }

        return new IPAddr(family == IPFamily.IPv6 ? IPFamily.IPv6 : IPFamily.IPv4, value);
    }

    /// <summary>Reads an address from network-order bytes: 4 bytes for IPv4, 16 for IPv6.</summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static IPAddr FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromIPv4(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => FromIPv6(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes)),
        _ => throw new ArgumentException("An address is 4 or 16 bytes long.", nameof(bytes)),
    };

    /// <summary>Converts from <see cref="IPAddress"/>; an IPv4-mapped IPv6 address becomes IPv4, a scope id is dropped.</summary>
    public static IPAddr FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return FromBytes(bytes[..written]);
    }

    /// <summary>Converts to <see cref="IPAddress"/> (allocates).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        var written = WriteBytes(bytes);
        return new IPAddress(bytes[..written]);
    }

    /// <summary>The IPv4 value in host order.</summary>
    /// <exception cref="InvalidOperationException">This is an IPv6 address.</exception>
    public uint ToUInt32() => IsIPv4 ? (uint)_value : throw new InvalidOperationException($"{this} is not an IPv4 address.");

    /// <summary>Writes the address in network order and returns the bytes written (4 or 16).</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public int WriteBytes(Span<byte> destination)
    {
        if (!TryWriteBytes(destination, out var written))
        {
            throw new ArgumentException($"An {Family} address needs {ByteLength} bytes.", nameof(destination));
        }

        return written;
    }

    /// <summary>Writes the address in network order when it fits.</summary>
    public bool TryWriteBytes(Span<byte> destination, out int bytesWritten)
    {
        if (IsIPv4)
        {
            bytesWritten = 4;
            return System.Buffers.Binary.BinaryPrimitives.TryWriteUInt32BigEndian(destination, (uint)_value) || Fail(out bytesWritten);
        }

        bytesWritten = 16;
        return System.Buffers.Binary.BinaryPrimitives.TryWriteUInt128BigEndian(destination, _value) || Fail(out bytesWritten);

        static bool Fail(out int written)
        {
            written = 0;
            return false;
        }
    }

    /// <summary>The largest value an address of the family can have.</summary>
    public static UInt128 MaxValueOf(IPFamily family) => family == IPFamily.IPv4 ? uint.MaxValue : UInt128.MaxValue;

    /// <summary>The number of bits of a family's addresses: 32 or 128.</summary>
    public static int BitLengthOf(IPFamily family) => family == IPFamily.IPv4 ? 32 : 128;

    /// <summary>The address <paramref name="offset"/> places further on, if the family has one.</summary>
    public bool TryAdd(UInt128 offset, out IPAddr result)
    {
        var max = MaxValueOf(Family);
        if (offset > max - _value)
        {
            result = default;
            return false;
        }

        result = new IPAddr(Family, _value + offset);
        return true;
    }

    /// <summary>The next address, or false at the end of the family's space.</summary>
    public bool TryNext(out IPAddr next) => TryAdd(1, out next);

    /// <summary>The previous address, or false at the start of the family's space.</summary>
    public bool TryPrevious(out IPAddr previous)
    {
        if (_value == 0)
        {
            previous = default;
            return false;
        }

        previous = new IPAddr(Family, _value - 1);
        return true;
    }

    /// <summary>Parses an IPv4 or IPv6 address.</summary>
    /// <exception cref="FormatException">The text is not an address; the message names the wrong characters.</exception>
    public static IPAddr Parse(ReadOnlySpan<char> s)
    {
        var failure = AddressTextParser.TryParseAddress(s, out var result);
        return failure is { } f ? throw new FormatException(f.Describe(s, "an IP address")) : result;
    }

    /// <summary>Parses an IPv4 or IPv6 address.</summary>
    /// <exception cref="FormatException">The text is not an address; the message names the wrong characters.</exception>
    public static IPAddr Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses an IPv4 or IPv6 address without throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPAddr result) => AddressTextParser.TryParseAddress(s, out result) is null;

    /// <summary>Parses an IPv4 or IPv6 address without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out IPAddr result)
    {
        result = default;
        return s is not null && TryParse(s.AsSpan(), out result);
    }

    /// <summary>Parses an address, returning the reason it is not one as text (null when it is).</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out IPAddr result, [NotNullWhen(false)] out string? error)
    {
        var failure = AddressTextParser.TryParseAddress(s, out result);
        error = failure?.Describe(s, "an IP address");
        return failure is null;
    }

    static IPAddr ISpanParsable<IPAddr>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<IPAddr>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out IPAddr result) => TryParse(s, out result);

    static IPAddr IParsable<IPAddr>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<IPAddr>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out IPAddr result) => TryParse(s, out result);

    /// <summary>Formats as a dotted quad or as RFC 5952 canonical IPv6 text.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten) => AddressTextFormatter.TryFormat(this, destination, out charsWritten);

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    /// <summary>Formats as a dotted quad or as RFC 5952 canonical IPv6 text.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[AddressTextFormatter.MaxLength];
        TryFormat(buffer, out var written);
        return new string(buffer[..written]);
    }

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool Equals(IPAddr other) => Family == other.Family && _value == other._value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is IPAddr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Family, _value);

    /// <summary>IPv4 before IPv6, then by value.</summary>
    public int CompareTo(IPAddr other)
    {
        var byFamily = Family.CompareTo(other.Family);
        return byFamily != 0 ? byFamily : _value.CompareTo(other._value);
    }

    /// <summary>Whether two addresses are equal.</summary>
    public static bool operator ==(IPAddr left, IPAddr right) => left.Equals(right);

    /// <summary>Whether two addresses differ.</summary>
    public static bool operator !=(IPAddr left, IPAddr right) => !left.Equals(right);

    /// <summary>Orders addresses: IPv4 before IPv6, then by value.</summary>
    public static bool operator <(IPAddr left, IPAddr right) => left.CompareTo(right) < 0;

    /// <summary>Orders addresses: IPv4 before IPv6, then by value.</summary>
    public static bool operator >(IPAddr left, IPAddr right) => left.CompareTo(right) > 0;

    /// <summary>Orders addresses: IPv4 before IPv6, then by value.</summary>
    public static bool operator <=(IPAddr left, IPAddr right) => left.CompareTo(right) <= 0;

    /// <summary>Orders addresses: IPv4 before IPv6, then by value.</summary>
    public static bool operator >=(IPAddr left, IPAddr right) => left.CompareTo(right) >= 0;
}
