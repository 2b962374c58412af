using System.Text.Json;
using System.Text.Json.Serialization;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Core.Selectors;

namespace BareLb.Core.Tests.Election;

/// <summary>
/// One file of MetalLbCases/: the facts of one of MetalLB's Layer 2 decision tests, as data. Each case is a
/// cluster (nodes, live speakers, a pool and its advertisements), the speakers MetalLB's test asks, and for each
/// Service what MetalLB expects: per node "announce", "does not announce" (when MetalLB asserts no reason) or
/// MetalLB's reason string; or the candidates, their order, their weights, the interfaces, the advertisements
/// that apply.
/// </summary>
internal sealed class MetalLbCaseFile
{
    public const string Folder = "Election/MetalLbCases";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly Lazy<IReadOnlyDictionary<string, MetalLbCaseFile>> Loaded = new(LoadAll);

    public required string MetallbTest { get; init; }

    public required string Source { get; init; }

    public string About { get; init; } = "";

    public required IReadOnlyList<MetalLbCase> Cases { get; init; }

    /// <summary>Every case file, by MetalLB test name.</summary>
    public static IReadOnlyDictionary<string, MetalLbCaseFile> All => Loaded.Value;

    private static Dictionary<string, MetalLbCaseFile> LoadAll()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, Folder);
        var files = new Dictionary<string, MetalLbCaseFile>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var file = JsonSerializer.Deserialize<MetalLbCaseFile>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path}: empty");
            if (file.MetallbTest + ".json" != Path.GetFileName(path))
            {
                throw new InvalidDataException($"{path}: metallbTest is {file.MetallbTest}, the file must be named after it");
            }

            files.Add(file.MetallbTest, file);
        }

        return files;
    }
}

internal sealed class MetalLbCase
{
    public required string Description { get; init; }

    /// <summary>Why the facts had to be restated for BareLb, when they had to.</summary>
    public string? Note { get; init; }

    /// <summary>A case BareLb adds beside MetalLB's, to see a fact MetalLB reads from a helper.</summary>
    public bool Supplemental { get; init; }

    /// <summary>MetalLB's speaker list disabled: every Node object is taken to run a speaker.</summary>
    public bool MemberlistDisabled { get; init; }

    public IReadOnlyList<string>? LiveSpeakers { get; init; }

    /// <summary>The Node objects MetalLB's test passes; none when it passes none.</summary>
    public IReadOnlyList<MetalLbNode> Nodes { get; init; } = [];

    public bool IgnoreExcludeLB { get; init; }

    public required MetalLbPool Pool { get; init; }

    public IReadOnlyList<MetalLbAdvertisement> Advertisements { get; init; } = [];

    /// <summary>The nodes whose speakers MetalLB's test asks.</summary>
    public required IReadOnlyList<string> EvaluatedOn { get; init; }

    public required IReadOnlyList<MetalLbService> Services { get; init; }

    public Layer2Pool ToPool() => new()
    {
        Name = Pool.Name,
        Ranges = [.. Pool.Cidrs.Select(IPRange.Parse)],
        Advertisements = [.. Advertisements.Select(a => a.ToAdvertisement())],
    };

    /// <summary>What the speaker on <paramref name="me"/> sees; <paramref name="reversed"/> lists every set backwards.</summary>
    public Layer2View ViewFrom(string me, Layer2Pool pool, bool reversed = false)
    {
        if (!MemberlistDisabled && LiveSpeakers is null)
        {
            throw new InvalidDataException($"case \"{Description}\": liveSpeakers is missing and memberlistDisabled is not set");
        }

        var nodes = reversed ? Nodes.Reverse() : Nodes;
        var live = LiveSpeakers is null ? null : reversed ? LiveSpeakers.Reverse() : LiveSpeakers;
        return new Layer2View
        {
            MyNode = me,
            Nodes = nodes.ToDictionary(n => n.Name, n => n.ToNodeInfo(), StringComparer.Ordinal),
            LiveSpeakers = MemberlistDisabled ? null : live!.ToHashSet(StringComparer.Ordinal),
            IgnoreExcludeLoadBalancers = IgnoreExcludeLB,
            Pools = [reversed ? pool with { Advertisements = [.. pool.Advertisements.Select(a => a with { Nodes = a.Nodes.Reverse().ToHashSet(StringComparer.Ordinal) })] } : pool],
        };
    }
}

internal sealed class MetalLbNode
{
    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Node conditions, type to status ("True", "False", "Unknown").</summary>
    public IReadOnlyDictionary<string, string> Conditions { get; init; } = new Dictionary<string, string>();

    public NodeInfo ToNodeInfo() => new()
    {
        Name = Name,
        Labels = Labels,
        NetworkUnavailable = Conditions.TryGetValue("NetworkUnavailable", out var status) && status == "True",
    };
}

internal sealed class MetalLbPool
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Cidrs { get; init; }
}

internal sealed class MetalLbAdvertisement
{
    public required string Name { get; init; }

    /// <summary>The nodes its node selectors select, resolved as MetalLB's configuration resolves them.</summary>
    public required IReadOnlyList<string> Nodes { get; init; }

    /// <summary>The interfaces it names; none means every interface.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    public IReadOnlyList<MetalLbSelector> ServiceSelectors { get; init; } = [];

    /// <summary>The weight of each preferred node, summed over its preferred node selectors.</summary>
    public IReadOnlyDictionary<string, long> PreferredNodes { get; init; } = new Dictionary<string, long>();

    public Layer2Advertisement ToAdvertisement() => new()
    {
        Name = Name,
        Nodes = Nodes.ToHashSet(StringComparer.Ordinal),
        Interfaces = Interfaces,
        ServiceSelectors = [.. ServiceSelectors.Select(s => new LabelSelector(s.MatchLabels))],
        PreferredNodes = PreferredNodes,
    };
}

internal sealed class MetalLbSelector
{
    public required IReadOnlyDictionary<string, string> MatchLabels { get; init; }
}

internal sealed class MetalLbService
{
    private const string AllowSharedIP = "metallb.io/allow-shared-ip";
    private const string DeprecatedAllowSharedIP = "metallb.universe.tf/allow-shared-ip";

    public required string Name { get; init; }

    public string Type { get; init; } = "LoadBalancer";

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public string ExternalTrafficPolicy { get; init; } = "Cluster";

    /// <summary>status.loadBalancer.ingress[*].ip.</summary>
    public IReadOnlyList<string> Ingress { get; init; } = [];

    public IReadOnlyList<IReadOnlyList<MetalLbEndpoint>> EndpointSlices { get; init; } = [];

    /// <summary>Per node: "announce", "does not announce", or MetalLB's reason.</summary>
    public IReadOnlyDictionary<string, string>? Expect { get; init; }

    /// <summary>The candidates every asked node elects among, in any order.</summary>
    public IReadOnlyList<string>? ExpectCandidates { get; init; }

    /// <summary>The candidates in MetalLB's order, the first elected.</summary>
    public IReadOnlyList<string>? ExpectOrder { get; init; }

    /// <summary>Each candidate's summed preference weight.</summary>
    public IReadOnlyDictionary<string, long>? ExpectWeights { get; init; }

    /// <summary>Per announcing node: the interfaces it announces on.</summary>
    public IReadOnlyDictionary<string, MetalLbInterfaces>? ExpectInterfaces { get; init; }

    /// <summary>The pool's advertisements that apply to the Service, by name, in any order.</summary>
    public IReadOnlyList<string>? ExpectAdvertisements { get; init; }

    public Layer2Service ToService() => new()
    {
        Key = "default/" + Name,
        IsLoadBalancer = Type == "LoadBalancer",
        Labels = Labels,
        AllowsSharedIP = Annotations.ContainsKey(AllowSharedIP) || Annotations.ContainsKey(DeprecatedAllowSharedIP),
        ExternalTrafficPolicyLocal = ExternalTrafficPolicy == "Local",
        IngressAddresses = Ingress,
        Endpoints = [.. EndpointSlices.SelectMany(s => s).Select(e => new ServiceEndpoint(e.Node, e.Ready, e.Serving))],
    };
}

internal sealed class MetalLbEndpoint
{
    public string? Node { get; init; }

    public bool? Ready { get; init; }

    public bool? Serving { get; init; }
}

internal sealed class MetalLbInterfaces
{
    public bool AllInterfaces { get; init; }

    public IReadOnlyList<string> Interfaces { get; init; } = [];
}
