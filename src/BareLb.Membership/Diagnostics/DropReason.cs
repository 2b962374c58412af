namespace BareLb.Membership.Diagnostics;

/// <summary>Why a packet or stream from a peer was dropped (the <c>reason</c> tag of <c>barelb_memberlist_packets_dropped_total</c>).</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None = 0,

    /// <summary>Nothing to read: an empty packet or message, or a stream that ended early.</summary>
    Truncated,

    /// <summary>Larger than allowed: a packet, a stream's declared length, or an expansion beyond its limit.</summary>
    Oversized,

    /// <summary>A message whose MessagePack body does not decode as its type.</summary>
    Malformed,

    /// <summary>A <c>hasCrcMsg</c> whose CRC-32 does not match: corrupted or forged.</summary>
    BadChecksum,

    /// <summary>A <c>compressMsg</c> with an unknown algorithm or LZW data that does not decode.</summary>
    BadCompression,

    /// <summary>A message type this side does not handle there.</summary>
    UnknownType,

    /// <summary>A label header that is truncated or empty, or a label other than ours.</summary>
    WrongLabel,

    /// <summary>Encrypted with a key that none of ours opens (a wrong key), or an encrypted payload that does not authenticate.</summary>
    Undecryptable,

    /// <summary>Plain text while encryption is required, or encrypted while we have no key.</summary>
    EncryptionMismatch,

    /// <summary>Compound or compressed messages nested deeper than allowed.</summary>
    TooDeep,
}
