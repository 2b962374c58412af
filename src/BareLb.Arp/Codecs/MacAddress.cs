using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BareLb.Arp.Codecs;

/// <summary>A 48-bit IEEE 802 MAC address, held as a number: cheap to copy, compare and hash.</summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    private const ulong Mask = 0xFFFF_FFFF_FFFFUL;

    private MacAddress(ulong value) => Value = value & Mask;

    /// <summary>The address as a 48-bit number, first octet most significant.</summary>
    public ulong Value { get; }

    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast => new(Mask);

    /// <summary>The all-zero address, as ARP requests carry for the unknown target.</summary>
    public static MacAddress Zero => default;

    /// <summary>Whether this is the broadcast address.</summary>
    public bool IsBroadcast => Value == Mask;

    /// <summary>Whether the group bit is set (multicast or broadcast).</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    /// <summary>Whether this is all zeros.</summary>
    public bool IsZero => Value == 0;

    /// <summary>Creates an address from its 48-bit value.</summary>
    public static MacAddress FromValue(ulong value) => new(value);

    /// <summary>Reads an address from the first six bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than six bytes.</exception>
    public static MacAddress Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < 6)
        {
            ThrowTooShort(nameof(source));
        }

        return new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));
    }

    /// <summary>Writes the six bytes of the address to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than six bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < 6)
        {
            ThrowTooShort(nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    /// <summary>The IPv6 multicast MAC (33:33 and the low 32 bits) for an IPv6 multicast address.</summary>
    public static MacAddress ForIPv6Multicast(UInt128 group) => new(0x3333_0000_0000UL | (uint)group);

    /// <summary>Parses six colon- or hyphen-separated pairs of hex digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress address)
    {
        address = default;
        if (text.Length != 17)
        {
            return false;
        }

        ulong value = 0;
        for (var i = 0; i < 6; i++)
        {
            var part = text.Slice(i * 3, 2);
            if (i < 5 && text[(i * 3) + 2] is not (':' or '-'))
            {
                return false;
            }

            if (!byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        address = new MacAddress(value);
        return true;
    }

    /// <summary>Parses six colon- or hyphen-separated pairs of hex digits.</summary>
    /// <exception cref="FormatException">The text is not a MAC address.</exception>
    public static MacAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not a MAC address (expected six pairs of hex digits separated by ':').");
    }

    /// <summary>Lower-case hex pairs separated by colons, as <c>ip link</c> prints them.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[6];
        WriteTo(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooShort(string parameter) => throw new ArgumentException("A MAC address is six bytes long.", parameter);

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(MacAddress left, MacAddress right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MacAddress left, MacAddress right) => !left.Equals(right);
}
