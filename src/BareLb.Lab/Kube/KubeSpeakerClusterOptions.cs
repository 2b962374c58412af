using System.Net;
using BareLb.Lab.Processes;

namespace BareLb.Lab.Kube;

/// <summary>What a <see cref="KubeSpeakerCluster"/> runs and announces.</summary>
public sealed record KubeSpeakerClusterOptions
{
    /// <summary>BareLb's tool, which runs the API emulator as <c>barelb apiserver</c>.</summary>
    public required ProgramCommand ApiServer { get; init; }

    /// <summary>The Kubernetes speaker, <c>barelb-speaker</c>, started with no subcommand as MetalLB's DaemonSet starts it.</summary>
    public required ProgramCommand Speaker { get; init; }

    /// <summary>
    /// A manifest holding BareLb's CustomResourceDefinitions (<c>deploy/barelb.yaml</c>); only its
    /// CustomResourceDefinition documents are applied.
    /// </summary>
    public required string CrdManifest { get; init; }

    /// <summary>The addresses of the IPAddressPool <c>lab</c> (each a /32 or /128), advertised by the L2Advertisement <c>lab</c>.</summary>
    public required IReadOnlyList<IPAddress> PoolAddresses { get; init; }

    /// <summary>How many nodes (the first ones of the lab) run a BareLb speaker; 3 by default.</summary>
    public int Speakers { get; init; } = 3;

    /// <summary>
    /// The Go memberlist agent (see <see cref="GoMemberlist.GoMemberlistAgent"/>) to run, configured as MetalLB's speaker, on the node
    /// after the speakers' nodes, or null for none; the BareLb speakers join it as they join each other.
    /// </summary>
    public string? GoAgent { get; init; }

    /// <summary>How long the API server, the speakers and their membership each get to come up.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(30);
}
