using System.Text;

namespace BareLb.Kube.Testing.Hosting;

/// <summary>Writes the kubeconfig that points kubectl and KubernetesClient at the server.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string? caPem, string token = "barelb-test-token")
    {
        var text = new StringBuilder();
        text.AppendLine("apiVersion: v1");
        text.AppendLine("kind: Config");
        text.AppendLine("clusters:");
        text.AppendLine("- name: barelb");
        text.AppendLine("  cluster:");
        text.AppendLine($"    server: {server.GetLeftPart(UriPartial.Authority)}");
        if (caPem is not null)
        {
            text.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem))}");
        }

        text.AppendLine("contexts:");
        text.AppendLine("- name: barelb");
        text.AppendLine("  context:");
        text.AppendLine("    cluster: barelb");
        text.AppendLine("    user: barelb");
        text.AppendLine("    namespace: default");
        text.AppendLine("current-context: barelb");
        text.AppendLine("preferences: {}");
        text.AppendLine("users:");
        text.AppendLine("- name: barelb");
        text.AppendLine("  user:");
        text.AppendLine($"    token: {token}");
        return text.ToString();
    }
}
