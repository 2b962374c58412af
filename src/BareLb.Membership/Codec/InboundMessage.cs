using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>
/// One message taken from a packet, after label, decryption, checksum, compound and compression
/// framing: its type and its decoded record (<see cref="Ping"/>, <see cref="IndirectPing"/>,
/// <see cref="AckResponse"/>, <see cref="NackResponse"/>, <see cref="Suspect"/>, <see cref="Alive"/>,
/// <see cref="Dead"/>), or for <see cref="MessageType.User"/> the user bytes as a <c>byte[]</c>.
/// </summary>
internal readonly record struct InboundMessage(MessageType Type, object Message);
