namespace BareLb.Kube.Testing.Patching;

/// <summary>
/// The strategic-merge strategies of the list fields of the built-in kinds kubectl patches. A list not named
/// here is atomic (replaced whole), as in the Go types without a <c>patchStrategy</c> tag.
/// </summary>
internal static class PatchStrategies
{
    /// <summary>Marks a list of scalars merged as a set (e.g. <c>metadata.finalizers</c>).</summary>
    public const string PrimitiveMerge = "";

    private static readonly Dictionary<string, string> PodSpec = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["containers.ports"] = "containerPort",
        ["initContainers.ports"] = "containerPort",
        ["containers.env"] = "name",
        ["initContainers.env"] = "name",
        ["containers.volumeMounts"] = "mountPath",
        ["initContainers.volumeMounts"] = "mountPath",
        ["containers.volumeDevices"] = "devicePath",
        ["containers.resizePolicy"] = "resourceName",
        ["volumes"] = "name",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["schedulingGates"] = "name",
    };

    private static readonly Dictionary<string, Dictionary<string, string>> ByKind = new(StringComparer.Ordinal)
    {
        ["Service"] = new(StringComparer.Ordinal)
        {
            ["spec.ports"] = "port",
            ["status.conditions"] = "type",
        },
        ["Pod"] = Prefixed("spec.", PodSpec, new()
        {
            ["status.conditions"] = "type",
            ["status.podIPs"] = "ip",
        }),
        ["Deployment"] = Prefixed("spec.template.spec.", PodSpec, new() { ["status.conditions"] = "type" }),
        ["DaemonSet"] = Prefixed("spec.template.spec.", PodSpec, new() { ["status.conditions"] = "type" }),
        ["Node"] = new(StringComparer.Ordinal)
        {
            ["status.conditions"] = "type",
            ["status.addresses"] = "type",
        },
        ["Namespace"] = new(StringComparer.Ordinal) { ["status.conditions"] = "type" },
        ["ServiceAccount"] = new(StringComparer.Ordinal) { ["secrets"] = "name" },
    };

    /// <summary>The merge key of the list at <paramref name="path"/> (dotted field names), "" for a scalar set, null if atomic.</summary>
    public static string? MergeKey(string kind, string path)
    {
        switch (path)
        {
            case "metadata.finalizers":
                return PrimitiveMerge;
            case "metadata.ownerReferences":
                return "uid";
            default:
                break;
        }

        return ByKind.TryGetValue(kind, out var table) && table.TryGetValue(path, out var key) ? key : null;
    }

    private static Dictionary<string, string> Prefixed(string prefix, Dictionary<string, string> spec, Dictionary<string, string> extra)
    {
        var table = new Dictionary<string, string>(extra, StringComparer.Ordinal);
        foreach (var (path, key) in spec)
        {
            table[prefix + path] = key;
        }

        return table;
    }
}
