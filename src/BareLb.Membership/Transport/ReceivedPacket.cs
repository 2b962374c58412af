using System.Net;

namespace BareLb.Membership.Transport;

/// <summary>A datagram received on the membership port, with its sender and the <see cref="TimeProvider"/> timestamp taken when it arrived.</summary>
/// <param name="Buffer">The datagram's bytes.</param>
/// <param name="From">The sender.</param>
/// <param name="Timestamp">The time provider's timestamp at reception (for round-trip times).</param>
public sealed record ReceivedPacket(byte[] Buffer, IPEndPoint From, long Timestamp);
