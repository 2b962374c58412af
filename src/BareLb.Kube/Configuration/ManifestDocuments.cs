using System.Text.Json.Nodes;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Yaml;
using k8s.Models;

namespace BareLb.Kube.Configuration;

/// <summary>What one file of manifests holds, sorted by form, with the lines of every object's fields.</summary>
internal sealed class ManifestDocuments
{
    public required string Path { get; init; }

    /// <summary>The namespace BareLb reads its configuration from.</summary>
    public required string Namespace { get; init; }

    public List<ConfigurationProblem> Problems { get; } = [];

    /// <summary>Legacy ConfigMaps: object name, namespace, the configuration text and the line before its first line.</summary>
    public List<(string ObjectName, string Namespace, string Text, int LineOffset)> ConfigMaps { get; } = [];

    public MetalLbResources Resources { get; } = new();

    /// <summary>The line map of each metallb.io object, by kind and name.</summary>
    public Dictionary<(string Kind, string Name), FieldLineMap> Lines { get; } = [];

    public int StatusObjects { get; private set; }

    public int Skipped { get; private set; }

    public static ManifestDocuments Read(ConfigurationFile file, string @namespace)
    {
        var result = new ManifestDocuments { Path = file.Path, Namespace = @namespace };
        if (!YamlDocumentReader.TryRead(file.Text, 0, out var documents, out var syntax))
        {
            result.Problems.Add(new ConfigurationProblem(ProblemSeverity.Error, "", file.Path, "", syntax!.Value.Message) { File = file.Path, Line = syntax.Value.Line });
            return result;
        }

        foreach (var document in documents)
        {
            result.ReadDocument(document);
        }

        return result;
    }

    private void Fail(string kind, string name, string field, string message, FieldLineMap lines, ProblemSeverity severity = ProblemSeverity.Error) =>
        Problems.Add(new ConfigurationProblem(severity, kind, name, field, message) { File = Path, Line = lines.LineOf(field) });

    private void ReadDocument(YamlDocument document)
    {
        if (document.Root is null)
        {
            return;
        }

        var lines = document.Lines;
        if (document.Root is not JsonObject root)
        {
            Fail("", "", "", "not a Kubernetes object (a map with apiVersion, kind and metadata)", lines);
            return;
        }

        var apiVersion = (root["apiVersion"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        var kind = (root["kind"] as JsonValue)?.TryGetValue<string>(out var k) == true ? k : null;
        var name = (root["metadata"]?["name"] as JsonValue)?.TryGetValue<string>(out var n) == true ? n : null;
        if (apiVersion is null || kind is null)
        {
            Fail(kind ?? "", name ?? "", apiVersion is null ? "apiVersion" : "kind", "is missing: every manifest needs apiVersion and kind", lines);
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            Fail(kind, "", "metadata.name", "is missing", lines);
            return;
        }

        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        if (apiVersion == "v1" && kind == "ConfigMap")
        {
            ReadConfigMap(root, name, lines);
            return;
        }

        if (apiVersion == "v1" && kind == "Secret")
        {
            // Kept for the BGPPeers' passwordSecret checks; a Secret is not MetalLB configuration.
            Skipped++;
            if (Serialization.KubeJson.Deserialize<V1Secret>(root) is { } secret && (root["metadata"]?["namespace"]?.ToString() ?? Namespace) == Namespace)
            {
                Resources.Secrets[name] = secret;
            }

            return;
        }

        if (group != MetalLbApi.Group)
        {
            Skipped++;
            return;
        }

        var errors = new List<(string Field, string Message)>();
        if (!IsObjectName(name))
        {
            Fail(kind, name, "metadata.name", $"\"{name}\" is not a Kubernetes object name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters (the API server refuses it)", lines);
            return;
        }

        switch (apiVersion, kind)
        {
            case (MetalLbApi.V1Beta1, IPAddressPool.KindName):
                Add(StrictBinder.Bind<IPAddressPool>(root, "", false, errors), Resources.Pools);
                break;
            case (MetalLbApi.V1Beta1, L2Advertisement.KindName):
                Add(StrictBinder.Bind<L2Advertisement>(root, "", false, errors), Resources.L2Advertisements);
                break;
            case (MetalLbApi.V1Beta1, BGPAdvertisement.KindName):
                Add(StrictBinder.Bind<BGPAdvertisement>(root, "", false, errors), Resources.BgpAdvertisements);
                break;
            case (MetalLbApi.V1Beta2, BGPPeer.KindName):
                Add(StrictBinder.Bind<BGPPeer>(root, "", false, errors), Resources.BgpPeers);
                break;
            case (MetalLbApi.V1Beta1, BGPPeer.KindName):
                if (StrictBinder.Bind<BGPPeerV1Beta1>(root, "", false, errors) is { } old)
                {
                    Add(BgpPeerVersions.ToV1Beta2(old), Resources.BgpPeers);
                }

                break;
            case (MetalLbApi.V1Beta1, BFDProfile.KindName):
                Add(StrictBinder.Bind<BFDProfile>(root, "", false, errors), Resources.BfdProfiles);
                break;
            case (MetalLbApi.V1Beta1, Community.KindName):
                Add(StrictBinder.Bind<Community>(root, "", false, errors), Resources.Communities);
                break;
            case (MetalLbApi.V1Beta1, ServiceL2Status.KindName):
                StatusObjects += StrictBinder.Bind<ServiceL2Status>(root, "", false, errors) is null ? 0 : 1;
                break;
            case (MetalLbApi.V1Beta1, ServiceBGPStatus.KindName):
                StatusObjects += StrictBinder.Bind<ServiceBGPStatus>(root, "", false, errors) is null ? 0 : 1;
                break;
            default:
                Fail(kind, name, "apiVersion", $"{apiVersion} {kind} is not a metallb.io kind BareLb knows (IPAddressPool, L2Advertisement, BGPAdvertisement, BFDProfile, Community, ServiceL2Status, ServiceBGPStatus in v1beta1; BGPPeer in v1beta1 and v1beta2)", lines);
                return;
        }

        foreach (var (field, message) in errors)
        {
            Fail(kind, name, field, message, lines);
        }

        void Add<T>(T? item, IList<T> list)
            where T : class
        {
            if (item is null)
            {
                return;
            }

            if (!Lines.TryAdd((kind, name), lines))
            {
                Fail(kind, name, "metadata.name", $"{kind} {name} is defined twice in this file", lines);
                return;
            }

            list.Add(item);
            WarnAboutNamespace(root, kind, name, lines);
        }
    }

    // BareLb, like MetalLB, reads its configuration from one namespace; an object elsewhere is silently unused.
    private void WarnAboutNamespace(JsonObject root, string kind, string name, FieldLineMap lines)
    {
        var ns = (root["metadata"]?["namespace"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
        if (ns is null)
        {
            Fail(kind, name, "metadata.namespace", $"is not set, so kubectl puts the object in the current namespace (default unless -n); BareLb reads {Namespace}", lines, ProblemSeverity.Warning);
        }
        else if (ns != Namespace)
        {
            // MetalLB's webhooks refuse such an object, and both would ignore it.
            Fail(kind, name, "metadata.namespace", kind == "ConfigMap"
                ? $"{ns} is not {Namespace}, the namespace BareLb reads"
                : $"{ns} is not {Namespace}, the namespace BareLb reads; MetalLB's webhooks refuse such an object: move it to {Namespace}", lines,
                kind == "ConfigMap" ? ProblemSeverity.Warning : ProblemSeverity.Error);
        }
    }

    private void ReadConfigMap(JsonObject root, string name, FieldLineMap lines)
    {
        var ns = (root["metadata"]?["namespace"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : Namespace;
        var objectName = $"{ns}/{name}";
        var data = root["data"] as JsonObject;
        if (data?[MetalLbApi.LegacyConfigMapKey] is not JsonValue config || !config.TryGetValue<string>(out var text))
        {
            if (name == MetalLbApi.LegacyConfigMapName)
            {
                Fail("ConfigMap", objectName, "data.config", "is missing: MetalLB's ConfigMap holds its configuration as a string under key config", lines);
            }
            else
            {
                Skipped++;
            }

            return;
        }

        WarnAboutNamespace(root, "ConfigMap", objectName, lines);
        ConfigMaps.Add((objectName, ns, text, lines.ContentOffsetOf("data.config")));
    }

    private static bool IsObjectName(string name) =>
        name.Length <= 253 && name.Split('.').All(part => part.Length > 0 && part.Length <= 63
            && part.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && part[0] != '-' && part[^1] != '-');
}
