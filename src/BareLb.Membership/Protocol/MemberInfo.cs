using System.Net;

namespace BareLb.Membership.Protocol;

/// <summary>An immutable view of one member, as the local member knows it.</summary>
/// <param name="Name">The member's unique name (MetalLB uses the Kubernetes node name).</param>
/// <param name="Address">Where the member receives the protocol's packets and streams.</param>
/// <param name="Status">Alive, suspect, dead or left.</param>
/// <param name="Incarnation">The member's incarnation number, raised each time it refutes a suspicion.</param>
/// <param name="Meta">The member's metadata bytes (memberlist's node meta), empty when none.</param>
/// <param name="IsLocal">Whether this is the local member.</param>
public sealed record MemberInfo(string Name, IPEndPoint Address, MemberStatus Status, uint Incarnation, ReadOnlyMemory<byte> Meta, bool IsLocal)
{
    /// <summary>Whether the member counts as live (alive or suspect), as memberlist's <c>Members()</c> counts it.</summary>
    public bool IsLive => Status is MemberStatus.Alive or MemberStatus.Suspect;
}
