using System.Buffers.Binary;

namespace BareLb.Arp.Codecs;

/// <summary>A Neighbor Solicitation (RFC 4861 section 4.3) as read from an ICMPv6 message.</summary>
internal readonly struct NeighborSolicitation
{
    public NeighborSolicitation(UInt128 target, bool hasSourceLinkLayer, MacAddress sourceLinkLayer)
    {
        Target = target;
        HasSourceLinkLayer = hasSourceLinkLayer;
        SourceLinkLayer = sourceLinkLayer;
    }

    public UInt128 Target { get; }

    public bool HasSourceLinkLayer { get; }

    public MacAddress SourceLinkLayer { get; }
}

/// <summary>Reads Neighbor Solicitations and writes Neighbor Advertisements, checksums included.</summary>
internal static class NeighborDiscovery
{
    public const byte TypeSolicitation = 135;
    public const byte TypeAdvertisement = 136;
    public const byte OptionSourceLinkLayer = 1;
    public const byte OptionTargetLinkLayer = 2;

    /// <summary>Header, reserved or flags, and target: the fixed part of NS and NA.</summary>
    public const int FixedLength = 24;

    /// <summary>An advertisement with its target link-layer address option.</summary>
    public const int AdvertisementLength = FixedLength + 8;

    public const uint FlagRouter = 0x8000_0000u;
    public const uint FlagSolicited = 0x4000_0000u;
    public const uint FlagOverride = 0x2000_0000u;

    /// <summary>
    /// Validates an ICMPv6 message as a solicitation per RFC 4861 section 7.1.1 (hop limit 255,
    /// code 0, length, checksum, non-multicast target, well-formed options, the rules for an
    /// unspecified source) and reads it.
    /// </summary>
    /// <param name="packet">The whole IPv6 packet (header and exactly its payload).</param>
    /// <param name="ip">Its header, already read.</param>
    /// <param name="solicitation">The solicitation, when valid.</param>
    /// <param name="reason">Why it is not, otherwise.</param>
    public static bool TryReadSolicitation(ReadOnlySpan<byte> packet, in IPv6Header ip, out NeighborSolicitation solicitation, out DropReason reason)
    {
        solicitation = default;
        var message = packet.Slice(IPv6Header.Length, ip.PayloadLength);
        if (message.Length < 4)
        {
            reason = DropReason.Truncated;
            return false;
        }

        if (message[0] != TypeSolicitation)
        {
            reason = DropReason.NdpNotSolicitation;
            return false;
        }

        if (message[1] != 0 || ip.HopLimit != 255 || message.Length < FixedLength)
        {
            reason = DropReason.NdpInvalid;
            return false;
        }

        var sum = InternetChecksum.PseudoHeader(packet.Slice(8, 32), message.Length);
        sum = InternetChecksum.Add(sum, message);
        if (InternetChecksum.Finish(sum) != 0)
        {
            reason = DropReason.NdpBadChecksum;
            return false;
        }

        var target = BinaryPrimitives.ReadUInt128BigEndian(message[8..]);
        if (IPv6Addresses.IsMulticast(target))
        {
            reason = DropReason.NdpInvalid;
            return false;
        }

        var hasSource = false;
        var source = default(MacAddress);
        var options = message[FixedLength..];
        while (!options.IsEmpty)
        {
            if (options.Length < 2 || options[1] == 0 || options[1] * 8 > options.Length)
            {
                reason = DropReason.NdpInvalid;
                return false;
            }

            var length = options[1] * 8;
            if (options[0] == OptionSourceLinkLayer)
            {
                if (length != 8)
                {
                    reason = DropReason.NdpInvalid;
                    return false;
                }

                hasSource = true;
                source = MacAddress.Read(options[2..]);
            }

            options = options[length..];
        }

        if (ip.Source == UInt128.Zero && (hasSource || !IPv6Addresses.IsSolicitedNode(ip.Destination)))
        {
            reason = DropReason.NdpInvalid;
            return false;
        }

        solicitation = new NeighborSolicitation(target, hasSource, source);
        reason = DropReason.None;
        return true;
    }

    /// <summary>
    /// Writes an IPv6 packet holding a Neighbor Advertisement with a target link-layer address
    /// option, checksum included, and returns its length (72 bytes).
    /// </summary>
    public static int WriteAdvertisement(Span<byte> destination, UInt128 source, UInt128 to, UInt128 target, MacAddress linkLayer, uint flags)
    {
        const int total = IPv6Header.Length + AdvertisementLength;
        var packet = destination[..total];
        new IPv6Header(AdvertisementLength, IPv6Header.NextHeaderIcmpV6, 255, source, to).Write(packet);
        var message = packet[IPv6Header.Length..];
        message[0] = TypeAdvertisement;
        message[1] = 0;
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], flags);
        BinaryPrimitives.WriteUInt128BigEndian(message[8..], target);
        message[24] = OptionTargetLinkLayer;
        message[25] = 1;
        linkLayer.WriteTo(message[26..]);
        var sum = InternetChecksum.PseudoHeader(packet.Slice(8, 32), AdvertisementLength);
        sum = InternetChecksum.Add(sum, message);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], InternetChecksum.Finish(sum));
        return total;
    }

    /// <summary>Writes an IPv6 packet holding a Neighbor Solicitation with a source link-layer option (for tests and generators).</summary>
    public static int WriteSolicitation(Span<byte> destination, UInt128 source, UInt128 to, UInt128 target, MacAddress? linkLayer)
    {
        var length = FixedLength + (linkLayer.HasValue ? 8 : 0);
        var total = IPv6Header.Length + length;
        var packet = destination[..total];
        new IPv6Header((ushort)length, IPv6Header.NextHeaderIcmpV6, 255, source, to).Write(packet);
        var message = packet[IPv6Header.Length..];
        message[..8].Clear();
        message[0] = TypeSolicitation;
        BinaryPrimitives.WriteUInt128BigEndian(message[8..], target);
        if (linkLayer is { } mac)
        {
            message[24] = OptionSourceLinkLayer;
            message[25] = 1;
            mac.WriteTo(message[26..]);
        }

        var sum = InternetChecksum.PseudoHeader(packet.Slice(8, 32), length);
        sum = InternetChecksum.Add(sum, message);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], InternetChecksum.Finish(sum));
        return total;
    }
}
