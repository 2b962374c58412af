namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>suspect</c>: <see cref="From"/> suspects <see cref="Node"/> at <see cref="Incarnation"/>.</summary>
internal sealed record Suspect(uint Incarnation, string Node, string From);
