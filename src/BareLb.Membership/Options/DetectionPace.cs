namespace BareLb.Membership.Options;

/// <summary>
/// How fast a member probes the others, as its host needs: failure detection in a fraction of a second costs a
/// member about 25 probes a second, which only pays while an address depends on it.
/// </summary>
public enum DetectionPace
{
    /// <summary>Probe every <see cref="MembershipOptions.ProbeInterval"/> (BareLb's sub-second detection). The default.</summary>
    Fast,

    /// <summary>
    /// Probe every <see cref="MembershipOptions.RelaxedProbeInterval"/>: nothing depends on fast detection now. The
    /// member still answers probes, gossips and refutes at once, so the others detect it as fast as their own pace
    /// allows; only its own probing slows down.
    /// </summary>
    Relaxed,
}
