namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>dead</c>: <see cref="From"/> declares <see cref="Node"/> dead; when <c>From == Node</c> the member left gracefully.</summary>
internal sealed record Dead(uint Incarnation, string Node, string From);
