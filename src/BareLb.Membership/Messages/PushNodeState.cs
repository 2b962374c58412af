namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>pushNodeState</c>: one member as the sender knows it, exchanged in a push-pull.</summary>
internal sealed record PushNodeState(string Name, byte[] Addr, ushort Port, byte[] Meta, uint Incarnation, MemberWireState State, byte[] Vsn);
