namespace BareLb.Membership.Protocol;

/// <summary>
/// How many bytes a message takes on the wire, so that piggybacked gossip fits the UDP budget.
/// The transport supplies its codec's exact sizes and its per-packet overhead (label, checksum,
/// encryption); <see cref="EstimatedMessageSizer"/> is a safe upper bound without a codec.
/// </summary>
internal interface IMessageSizer
{
    /// <summary>Bytes of <paramref name="message"/> encoded as one message, its type byte included.</summary>
    int SizeOf(object message);

    /// <summary>Bytes every packet adds besides its messages and the compound framing (encryption, label, checksum).</summary>
    int PacketOverhead { get; }
}
