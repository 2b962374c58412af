using System.Net;

namespace BareLb.Lab.Capture;

/// <summary>What kind of frame claimed an address.</summary>
public enum NeighbourAnswerKind
{
    /// <summary>An ARP reply (<c>is-at</c>), solicited or gratuitous.</summary>
    ArpReply,

    /// <summary>A gratuitous ARP request (<c>who-has X tell X</c>), as keepalived and announcers send.</summary>
    GratuitousArp,

    /// <summary>An IPv6 neighbour advertisement.</summary>
    NeighbourAdvertisement,
}

/// <summary>A frame in which a MAC address claimed an IP address.</summary>
/// <param name="Time">The capture timestamp (wall clock).</param>
/// <param name="Address">The address claimed.</param>
/// <param name="Mac">The MAC that claimed it, lower case with colons.</param>
/// <param name="Kind">The kind of frame.</param>
public sealed record NeighbourAnswer(DateTimeOffset Time, IPAddress Address, string Mac, NeighbourAnswerKind Kind);
