using k8s;
using k8s.Exceptions;

namespace BareLb.Hosting.Kubeconfig;

/// <summary>
/// Finds the Kubernetes client configuration the way MetalLB's components (controller-runtime)
/// and kubectl do: an explicit <c>--kubeconfig</c> file; else the in-cluster service account;
/// else the files in <c>$KUBECONFIG</c>; else <c>~/.kube/config</c>.
/// </summary>
public static class KubeconfigResolver
{
    /// <summary>Resolves the configuration; <paramref name="environment"/> reads variables (the process's by default).</summary>
    /// <exception cref="KubeconfigException">No source is usable; the message names what was tried and why it failed.</exception>
    public static ResolvedKubeconfig Resolve(string? explicitPath, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var source = Choose(explicitPath, environment, KubernetesClientConfiguration.IsInCluster());
        try
        {
            var configuration = source.Kind switch
            {
                KubeconfigSourceKind.InCluster => KubernetesClientConfiguration.InClusterConfig(),
                _ => KubernetesClientConfiguration.BuildConfigFromConfigFile(source.Path),
            };
            return new ResolvedKubeconfig(configuration, source);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or YamlDotNet.Core.YamlException)
        {
            throw new KubeconfigException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Which source <see cref="Resolve"/> takes, without reading it.</summary>
    /// <exception cref="KubeconfigException">An explicit file is missing, or no source exists.</exception>
    public static KubeconfigSource Choose(string? explicitPath, Func<string, string?> environment, bool inCluster)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath)
                ? new KubeconfigSource(KubeconfigSourceKind.ExplicitFile, explicitPath)
                : throw new KubeconfigException($"--kubeconfig {explicitPath}: no such file");
        }

        if (inCluster)
        {
            return new KubeconfigSource(KubeconfigSourceKind.InCluster, null);
        }

        if (environment("KUBECONFIG") is { Length: > 0 } variable)
        {
            // Like kubectl, the first existing file of the list (merging several is not supported).
            var first = variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(File.Exists);
            return first is not null
                ? new KubeconfigSource(KubeconfigSourceKind.EnvironmentVariable, first)
                : throw new KubeconfigException($"$KUBECONFIG={variable}: no such file");
        }

        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var userConfig = Path.Combine(home, ".kube", "config");
        return File.Exists(userConfig)
            ? new KubeconfigSource(KubeconfigSourceKind.UserFile, userConfig)
            : throw new KubeconfigException($"no Kubernetes configuration: not in a cluster, no --kubeconfig, no $KUBECONFIG, and no {userConfig}");
    }
}

/// <summary>Where a client configuration comes from.</summary>
public enum KubeconfigSourceKind
{
    /// <summary>The file given with <c>--kubeconfig</c>.</summary>
    ExplicitFile,

    /// <summary>The Pod's service account (KUBERNETES_SERVICE_HOST and the mounted token).</summary>
    InCluster,

    /// <summary>The first existing file named by <c>$KUBECONFIG</c>.</summary>
    EnvironmentVariable,

    /// <summary><c>~/.kube/config</c>.</summary>
    UserFile,
}

/// <summary>A chosen source: its kind and, for files, the path.</summary>
/// <param name="Kind">The kind of source.</param>
/// <param name="Path">The file, or null in a cluster.</param>
public sealed record KubeconfigSource(KubeconfigSourceKind Kind, string? Path)
{
    /// <summary>Says where the configuration comes from, for a log line.</summary>
    public override string ToString() => Kind switch
    {
        KubeconfigSourceKind.InCluster => "in-cluster configuration",
        KubeconfigSourceKind.EnvironmentVariable => $"$KUBECONFIG {Path}",
        _ => $"kubeconfig {Path}",
    };
}

/// <summary>A resolved client configuration and where it came from.</summary>
/// <param name="Configuration">The configuration for <see cref="Kubernetes"/>.</param>
/// <param name="Source">Where it came from.</param>
public sealed record ResolvedKubeconfig(KubernetesClientConfiguration Configuration, KubeconfigSource Source);

/// <summary>No usable Kubernetes configuration; the message says what was tried.</summary>
public sealed class KubeconfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubeconfigException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KubeconfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public KubeconfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
