using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BareLb.Kube.Client;
using BareLb.Kube.Testing;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;

namespace BareLb.Kube.Tests.Client;

/// <summary>
/// BareLb's own connection to the API server (<see cref="ApiConnection"/>), against the emulator over real HTTP and TLS:
/// it trusts the kubeconfig's authority and nothing else, sends the credentials, the TLS server name and the user
/// agent, and passes requests through the caller's handlers.
/// </summary>
public sealed class ApiConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OverTls_TheKubeconfigsAuthorityIsTrusted()
    {
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { UseTls = true }, Ct);
        using var connection = ApiConnection.Create(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));

        var namespaces = await KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct);

        Assert.Equal("https", connection.BaseUri.Scheme);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
    }

    [Fact]
    public async Task OverTls_WithoutTheAuthority_TheServerIsNotTrusted()
    {
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { UseTls = true }, Ct);
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
        configuration.SslCaCerts = null;
        using var connection = ApiConnection.Create(configuration);

        await Assert.ThrowsAsync<HttpRequestException>(() => KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct));
    }

    [Fact]
    public async Task OverTls_AnotherAuthority_IsNotTrustedEither()
    {
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { UseTls = true }, Ct);
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
        using var stranger = SelfSigned("CN=another authority");
        configuration.SslCaCerts = [X509CertificateLoader.LoadCertificate(stranger.RawData)];
        using var connection = ApiConnection.Create(configuration);

        await Assert.ThrowsAsync<HttpRequestException>(() => KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct));
    }

    [Fact]
    public async Task OverTls_SkipTlsVerify_AcceptsAnyCertificate()
    {
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { UseTls = true }, Ct);
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
        configuration.SslCaCerts = null;
        configuration.SkipTlsVerify = true;
        using var connection = ApiConnection.Create(configuration);

        var namespaces = await KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct);

        Assert.NotEmpty(namespaces.Items);
    }

    [Fact]
    public async Task TheServiceAccountsToken_IsSent_SoItsRightsApply()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        using var admin = ApiConnection.Create(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        using var nobody = ApiConnection.Create(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.CreateServiceAccountKubeconfig("default", "nobody")));

        await KubeApi.GetAsync<V1NamespaceList>(admin, "/api/v1/namespaces", Ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => KubeApi.GetAsync<V1NamespaceList>(nobody, "/api/v1/namespaces", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
    }

    [Fact]
    public async Task HandlersSeeEveryRequest_WithTheTlsServerNameAsHost_AndTheUserAgent()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        var configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
        configuration.TlsServerName = "kubernetes.default.svc";
        configuration.UserAgent = "barelb-test/1";
        var recorder = new RecordingHandler();
        using var connection = ApiConnection.Create(configuration, recorder);

        await KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct);

        var request = Assert.Single(recorder.Requests);
        Assert.Equal("kubernetes.default.svc", request.Host);
        Assert.Equal("barelb-test/1", request.UserAgent);
    }

    [Fact]
    public async Task OfAKubernetesClient_SendsOnThatClientsPipeline()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        var recorder = new RecordingHandler();
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath), recorder);
        using (var connection = ApiConnection.Of(client))
        {
            await KubeApi.GetAsync<V1NamespaceList>(connection, "/api/v1/namespaces", Ct);
        }

        // Disposing the connection left the client working.
        await client.CoreV1.ListNamespaceAsync(cancellationToken: Ct);
        Assert.Equal(2, recorder.Requests.Count);
    }

    [Fact]
    public void ACallTakesAtMostTheConfiguredTimeout()
    {
        using var connection = ApiConnection.Create(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1", HttpClientTimeout = TimeSpan.FromSeconds(7) });

        Assert.Equal(TimeSpan.FromSeconds(7), connection.Timeout);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    [InlineData("not a url")]
    public void AConfigurationWithoutAServerAddress_IsRefused(string? host)
    {
        var refused = Assert.Throws<KubeConfigException>(() => ApiConnection.Create(new KubernetesClientConfiguration { Host = host }));

        Assert.Contains("server", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheClientCertificate_ComesInlineOrFromFiles_WithItsKey()
    {
        using var certificate = SelfSigned("CN=barelb-speaker");
        var certificatePem = certificate.ExportCertificatePem();
        var keyPem = certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        var directory = Directory.CreateTempSubdirectory("barelb-client-cert-");
        try
        {
            var certificateFile = Path.Combine(directory.FullName, "client.crt");
            var keyFile = Path.Combine(directory.FullName, "client.key");
            File.WriteAllText(certificateFile, certificatePem);
            File.WriteAllText(keyFile, keyPem);

            using var inline = ClientCertificate.From(new KubernetesClientConfiguration
            {
                ClientCertificateData = Convert.ToBase64String(Encoding.UTF8.GetBytes(certificatePem)),
                ClientCertificateKeyData = Convert.ToBase64String(Encoding.UTF8.GetBytes(keyPem)),
            });
            using var fromFiles = ClientCertificate.From(new KubernetesClientConfiguration { ClientCertificateFilePath = certificateFile, ClientKeyFilePath = keyFile });

            Assert.Equal(certificate.Thumbprint, inline?.Thumbprint);
            Assert.True(inline!.HasPrivateKey);
            Assert.Equal(certificate.Thumbprint, fromFiles?.Thumbprint);
            Assert.True(fromFiles!.HasPrivateKey);
            Assert.Null(ClientCertificate.From(new KubernetesClientConfiguration { ClientCertificateFilePath = certificateFile }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    private sealed class RecordingHandler : DelegatingHandler
    {
        public List<(string? Host, string UserAgent)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((request.Headers.Host, request.Headers.UserAgent.ToString()));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
