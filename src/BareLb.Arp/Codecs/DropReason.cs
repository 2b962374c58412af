namespace BareLb.Arp.Codecs;

/// <summary>Why the engine did not answer a frame. Every frame that gets no reply is counted with one.</summary>
public enum DropReason
{
    /// <summary>The frame was answered (not a drop).</summary>
    None = 0,

    /// <summary>Shorter than its headers say.</summary>
    Truncated,

    /// <summary>Neither ARP nor IPv6 (after at most one 802.1Q tag).</summary>
    UnsupportedEtherType,

    /// <summary>Sent to another station's unicast MAC address.</summary>
    NotForUs,

    /// <summary>Sent by this interface.</summary>
    OwnFrame,

    /// <summary>ARP for another hardware or protocol type or address length.</summary>
    ArpUnsupportedFormat,

    /// <summary>ARP with an operation other than request or reply.</summary>
    ArpUnsupportedOperation,

    /// <summary>An ARP reply: never answered.</summary>
    ArpReply,

    /// <summary>A gratuitous ARP (sender and target protocol addresses equal): never answered.</summary>
    ArpGratuitous,

    /// <summary>An ARP sender hardware address that is zero, broadcast or multicast.</summary>
    ArpBadSender,

    /// <summary>An IPv6 header with another version or an inconsistent payload length.</summary>
    IPv6Malformed,

    /// <summary>IPv6 that is not ICMPv6 directly (extension headers are not followed).</summary>
    IPv6NotIcmp,

    /// <summary>ICMPv6 other than a neighbor solicitation.</summary>
    NdpNotSolicitation,

    /// <summary>A solicitation that fails RFC 4861 validation (hop limit, code, length, options, addresses).</summary>
    NdpInvalid,

    /// <summary>An ICMPv6 checksum that does not verify.</summary>
    NdpBadChecksum,

    /// <summary>A request for an address not announced on the receiving interface.</summary>
    NotAnnounced,

    /// <summary>The source exceeded its reply rate.</summary>
    RateLimited,

    /// <summary>The transport failed to send the reply.</summary>
    SendFailed,

    /// <summary>Answering the frame threw an unexpected exception (a bug in the engine or the transport): logged, and the receive thread goes on.</summary>
    Failed,
}
