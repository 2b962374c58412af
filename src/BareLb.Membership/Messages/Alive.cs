namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>alive</c>: <see cref="Node"/> is alive at <see cref="Incarnation"/>, reachable at <see cref="Addr"/>:<see cref="Port"/>; <see cref="Vsn"/> holds the six protocol and delegate version bytes.</summary>
internal sealed record Alive(uint Incarnation, string Node, byte[] Addr, ushort Port, byte[] Meta, byte[] Vsn);
