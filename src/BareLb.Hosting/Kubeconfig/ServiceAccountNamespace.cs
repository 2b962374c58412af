namespace BareLb.Hosting.Kubeconfig;

/// <summary>The namespace of the Pod a process runs in, as MetalLB finds it when neither <c>--namespace</c> nor <c>METALLB_NAMESPACE</c> is given.</summary>
public static class ServiceAccountNamespace
{
    /// <summary>Where Kubernetes mounts it.</summary>
    public const string Path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>The mounted namespace, or null outside a Pod; <paramref name="readFile"/> reads a file or returns null.</summary>
    public static string? Read(Func<string, string?>? readFile = null)
    {
        readFile ??= static path => File.Exists(path) ? File.ReadAllText(path) : null;
        try
        {
            return readFile(Path)?.Trim() is { Length: > 0 } name ? name : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
