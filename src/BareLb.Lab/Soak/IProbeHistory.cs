using System.Net;
using BareLb.Lab.Probing;

namespace BareLb.Lab.Soak;

/// <summary>What the client's probes saw, per address (the soak's probers, or a fake in tests).</summary>
internal interface IProbeHistory
{
    /// <summary>What the prober of <paramref name="address"/> saw between two times; null when it was not probed.</summary>
    ProbeReport? Report(IPAddress address, DateTimeOffset from, DateTimeOffset to);
}
