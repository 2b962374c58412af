using System.Net;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Hosting;

/// <summary>What <see cref="DatagramPath"/> needs from the node it runs in.</summary>
internal interface IDatagramHost
{
    /// <summary>Sets the protocol's timer after a call into the protocol; called holding the node's gate.</summary>
    void ArmTimer();

    /// <summary>Performs the protocol's outputs (not holding the gate).</summary>
    void Perform(IReadOnlyList<ProtocolOutput> outputs);

    /// <summary>Sends a framed packet (the span is valid only during the call).</summary>
    void Send(ReadOnlySpan<byte> packet, IPEndPoint to);
}
