namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>indirectPingReq</c>: asks a member to probe <see cref="Node"/> at <see cref="Target"/>:<see cref="Port"/> for us.</summary>
internal sealed record IndirectPing(uint SeqNo, byte[] Target, ushort Port, string Node, bool Nack, byte[]? SourceAddr = null, ushort SourcePort = 0, string? SourceNode = null);
