using System.Net;

namespace BareLb.Membership.Transport;

/// <summary>A TCP connection a peer opened to the membership port; whoever takes it disposes it.</summary>
/// <param name="Stream">The connection (owns its socket).</param>
/// <param name="From">The peer's address.</param>
public sealed record AcceptedConnection(Stream Stream, IPEndPoint From);
