using k8s.Models;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// How the node agent starts a container as a process: the program for its image, its <c>args</c>, and its
/// environment resolved as the kubelet resolves it (<c>value</c>, <c>fieldRef</c>, <c>secretKeyRef</c>,
/// <c>configMapKeyRef</c>). A lab has no mount namespaces, so every path under a volume's <c>mountPath</c> (in an
/// argument or a variable) is rewritten to the host directory that holds that volume's files; and a lab has no
/// in-cluster service account token, so <c>--kubeconfig</c> names a kubeconfig that acts as the Pod's ServiceAccount.
/// </summary>
internal sealed record ContainerLaunch(string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The program for an image: BareLb's (or MetalLB's) speaker and controller images run BareLb's builds.</summary>
    /// <returns>The assembly file name, or null when the lab cannot run the image.</returns>
    public static string? ProgramFor(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image[(image.LastIndexOf('/') + 1)..].Split(':', '@')[0];
        return name switch
        {
            "speaker" or "barelb-speaker" => "barelb-speaker.dll",
            "controller" or "barelb-controller" => "barelb-controller.dll",
            _ => null,
        };
    }

    /// <summary>Resolves a container's launch; throws <see cref="PodLaunchException"/> naming the field when it cannot.</summary>
    /// <param name="pod">The Pod's template spec.</param>
    /// <param name="container">The container.</param>
    /// <param name="facts">The Pod's downward API facts.</param>
    /// <param name="volumes">The host directory of each volume by name.</param>
    /// <param name="lookup">Reads a key of a Secret (<c>true</c>) or a ConfigMap (<c>false</c>) in the Pod's namespace: (secret?, name, key) → value or null.</param>
    /// <param name="kubeconfig">The kubeconfig the process uses.</param>
    public static ContainerLaunch Resolve(V1PodSpec pod, V1Container container, PodFacts facts, IReadOnlyDictionary<string, string> volumes, Func<bool, string, string, string?> lookup, string kubeconfig)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(lookup);
        var program = ProgramFor(container.Image ?? "") ?? throw new PodLaunchException($"containers[{container.Name}].image", $"the lab runs BareLb's speaker and controller images only, not \"{container.Image}\"");
        var mounts = new List<(string MountPath, string HostPath)>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var host = volumes.TryGetValue(mount.Name, out var directory)
                ? directory
                : throw new PodLaunchException($"containers[{container.Name}].volumeMounts[{mount.Name}]", "no volume of that name");
            mounts.Add((mount.MountPath.TrimEnd('/'), string.IsNullOrEmpty(mount.SubPath) ? host : Path.Combine(host, mount.SubPath)));
        }

        // Longest mount paths first, so /etc/a/b wins over /etc/a.
        mounts.Sort(static (a, b) => b.MountPath.Length.CompareTo(a.MountPath.Length));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = Map(Value(container, variable, facts, lookup), mounts);
        }

        List<string> arguments = [.. (container.Args ?? []).Select(a => Map(a, mounts)), "--kubeconfig", kubeconfig];
        return new ContainerLaunch(program, arguments, environment);
    }

    private static string Value(V1Container container, V1EnvVar variable, PodFacts facts, Func<bool, string, string, string?> lookup)
    {
        var field = $"containers[{container.Name}].env[{variable.Name}]";
        if (variable.ValueFrom is not { } from)
        {
            return variable.Value ?? "";
        }

        if (from.FieldRef is { } fieldRef)
        {
            return facts.Field(fieldRef.FieldPath) ?? throw new PodLaunchException(field + ".valueFrom.fieldRef", $"the lab does not provide {fieldRef.FieldPath}");
        }

        if (from.SecretKeyRef is { } secret)
        {
            return lookup(true, secret.Name, secret.Key) ?? (secret.Optional == true ? "" : throw new PodLaunchException(field + ".valueFrom.secretKeyRef", $"Secret {secret.Name} has no key {secret.Key} (yet)"));
        }

        if (from.ConfigMapKeyRef is { } configMap)
        {
            return lookup(false, configMap.Name, configMap.Key) ?? (configMap.Optional == true ? "" : throw new PodLaunchException(field + ".valueFrom.configMapKeyRef", $"ConfigMap {configMap.Name} has no key {configMap.Key} (yet)"));
        }

        throw new PodLaunchException(field + ".valueFrom", "the lab resolves value, fieldRef, secretKeyRef and configMapKeyRef only");
    }

    private static string Map(string value, List<(string MountPath, string HostPath)> mounts)
    {
        foreach (var (mountPath, hostPath) in mounts)
        {
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return hostPath + value[mountPath.Length..];
            }

            // --flag=/mount/path
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (value.StartsWith('-') && equals > 0 && Map(value[(equals + 1)..], [(mountPath, hostPath)]) is var mapped && mapped != value[(equals + 1)..])
            {
                return value[..(equals + 1)] + mapped;
            }
        }

        return value;
    }
}
