namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>ping</c>: a direct probe of <see cref="Node"/>; the Source fields ask for a direct reply (omitted when empty).</summary>
internal sealed record Ping(uint SeqNo, string Node, byte[]? SourceAddr = null, ushort SourcePort = 0, string? SourceNode = null);
