namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>pushPullHeader</c>: how many <see cref="PushNodeState"/> entries and user-state bytes follow on the stream, and whether this is a join.</summary>
internal sealed record PushPullHeader(int Nodes, int UserStateLen, bool Join);
