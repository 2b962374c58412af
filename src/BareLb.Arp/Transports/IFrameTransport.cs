using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>
/// Sends and receives whole Ethernet frames on one interface. The engine calls
/// <see cref="Receive"/> from one dedicated thread and <see cref="TrySend"/> from that thread
/// and from its announcement timers, so sending must be thread-safe.
/// </summary>
public interface IFrameTransport : IDisposable
{
    /// <summary>The interface's name, used in logs and metric tags.</summary>
    string InterfaceName { get; }

    /// <summary>The interface's MAC address, the source of every frame the engine sends.</summary>
    MacAddress HardwareAddress { get; }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a frame and copies it into
    /// <paramref name="buffer"/> (truncated if longer). Returns its length, or 0 if none came.
    /// Must not allocate per frame.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The transport was disposed.</exception>
    int Receive(Span<byte> buffer, TimeSpan timeout);

    /// <summary>
    /// Whether <see cref="InterruptReceive"/> wakes a waiting <see cref="Receive"/>. The engine then waits for frames
    /// without a timeout; otherwise it bounds each wait by <c>Layer2Options.ReceivePollInterval</c> to notice a stop.
    /// False unless a transport says otherwise.
    /// </summary>
    bool CanInterruptReceive => false;

    /// <summary>
    /// Called from another thread when the receive thread stops: wakes a <see cref="Receive"/> that is waiting, and
    /// makes later calls return 0 at once. Does nothing unless <see cref="CanInterruptReceive"/>.
    /// </summary>
    void InterruptReceive()
    {
    }

    /// <summary>Sends one frame; returns false if the interface refused it.</summary>
    bool TrySend(ReadOnlySpan<byte> frame);

    /// <summary>Starts receiving frames sent to a multicast MAC group, without promiscuous mode.</summary>
    void JoinMulticast(MacAddress group);

    /// <summary>Stops receiving a group joined with <see cref="JoinMulticast"/>.</summary>
    void LeaveMulticast(MacAddress group);
}
