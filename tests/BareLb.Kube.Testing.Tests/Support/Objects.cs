using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Support;

/// <summary>Small builders for the objects the tests create.</summary>
internal static class Objects
{
    public static V1Service Service(string name, string ns = "default", string type = "ClusterIP", params int[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = [.. (ports.Length == 0 ? [80] : ports).Select(p => new V1ServicePort { Port = p, Name = $"p{p}" })],
        },
    };

    public static V1Namespace Namespace(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };
}
