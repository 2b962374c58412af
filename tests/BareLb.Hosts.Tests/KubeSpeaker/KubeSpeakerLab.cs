using System.Net;
using BareLb.Lab.Kube;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>
/// The speaker tests' <see cref="KubeSpeakerCluster"/>: three nodes running <c>barelb-speaker.dll</c> from the test
/// output against <c>barelb.dll apiserver</c>, with the CRDs of the copied <c>barelb.yaml</c>, and a pool of
/// <see cref="V4"/> and <see cref="V6"/>, which sit on every node's <c>kube-ipvs0</c>.
/// </summary>
internal static class KubeSpeakerLab
{
    /// <summary>The pool's IPv4 address.</summary>
    public static readonly IPAddress V4 = LabAddressing.Service(IPNetwork.Parse("198.18.35.0/24"), 0);

    /// <summary>The pool's IPv6 address.</summary>
    public static readonly IPAddress V6 = LabAddressing.Service(IPNetwork.Parse("2001:db8:35::/64"), 0);

    /// <summary>
    /// Builds the lab with three BareLb speakers and, when <paramref name="goAgent"/> is given, a fourth node whose
    /// "speaker" is Debian's Go memberlist agent configured as MetalLB's speaker (a node of a cluster in the middle of a
    /// migration), started from that path with the lab's secret; the BareLb speakers join it.
    /// </summary>
    public static Task<KubeSpeakerCluster> StartAsync(CancellationToken cancellationToken, string? goAgent = null) =>
        KubeSpeakerCluster.StartAsync(
            new LabOptions { Nodes = goAgent is null ? 3 : 4, KubeIpvsAddresses = [V4, V6] },
            new KubeSpeakerClusterOptions
            {
                ApiServer = ProgramCommand.Dotnet(Path.Combine(AppContext.BaseDirectory, "barelb.dll")),
                Speaker = ProgramCommand.Dotnet(Path.Combine(AppContext.BaseDirectory, "barelb-speaker.dll")),
                CrdManifest = Path.Combine(AppContext.BaseDirectory, "barelb.yaml"),
                PoolAddresses = [V4, V6],
                GoAgent = goAgent,
            },
            cancellationToken);
}
