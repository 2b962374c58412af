using System.Net;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Protocol;

/// <summary>Something the state machine asks its host to do, or tells it.</summary>
internal abstract record ProtocolOutput;

/// <summary>
/// Send one UDP packet to <paramref name="To"/>: <paramref name="Messages"/>[0] is the message, and
/// any further entries are gossip piggybacked on it, to be sent together as one compound message.
/// The messages are memberlist's records (<see cref="Ping"/>, <see cref="AckResponse"/>, <see cref="Alive"/>, ...).
/// </summary>
internal sealed record SendPacket(IPEndPoint To, string? ToNode, IReadOnlyList<object> Messages) : ProtocolOutput;

/// <summary>
/// Open a TCP stream to <paramref name="To"/> and exchange state (memberlist's push-pull): send
/// <see cref="MembershipProtocol.LocalState"/> with <paramref name="Join"/>, read the peer's state, then
/// call <see cref="MembershipProtocol.CompletePushPull"/> or <see cref="MembershipProtocol.FailPushPull"/>
/// with <paramref name="Id"/>.
/// </summary>
internal sealed record OpenPushPull(long Id, IPEndPoint To, string? ToNode, bool Join, TimeSpan Timeout) : ProtocolOutput;

/// <summary>
/// Probe <paramref name="Node"/> over TCP (memberlist's fallback ping): send <paramref name="Ping"/>
/// on a stream and wait for the ack until <paramref name="Deadline"/>, then call
/// <see cref="MembershipProtocol.CompleteStreamPing"/> with the ping's sequence number, by the deadline.
/// </summary>
internal sealed record SendStreamPing(IPEndPoint To, string Node, Ping Ping, DateTimeOffset Deadline) : ProtocolOutput;

/// <summary>A member changed state.</summary>
internal sealed record MemberChanged(MemberEvent Event) : ProtocolOutput;

/// <summary>A push-pull finished: a join succeeded, or it failed with <paramref name="Error"/>.</summary>
internal sealed record PushPullFinished(long Id, IPEndPoint To, bool Join, string? Error) : ProtocolOutput;

/// <summary>The local member's leave has been gossiped as often as gossip goes (or nobody is left to tell): the host may stop.</summary>
internal sealed record LeaveFinished : ProtocolOutput;
