using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;

namespace BareLb.Kube.Client;

/// <summary>The client certificate a kubeconfig gives (client-certificate and client-key, inline or as files).</summary>
internal static class ClientCertificate
{
    /// <summary>The certificate with its private key, or null when the configuration has no certificate and key pair.</summary>
    public static X509Certificate2? From(KubernetesClientConfiguration configuration)
    {
        var certificate = Pem(configuration.ClientCertificateFilePath, configuration.ClientCertificateData);
        var key = Pem(configuration.ClientKeyFilePath, configuration.ClientCertificateKeyData);
        return certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key);
    }

    /// <summary>A file's PEM text wins over inline base64 data, as in KubernetesClient.</summary>
    private static string? Pem(string? path, string? base64) =>
        !string.IsNullOrWhiteSpace(path) ? File.ReadAllText(path)
        : !string.IsNullOrWhiteSpace(base64) ? Encoding.UTF8.GetString(Convert.FromBase64String(base64))
        : null;
}
