using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;
using k8s.Exceptions;

namespace BareLb.Kube.Client;

/// <summary>
/// BareLb's connection to the Kubernetes API server: its address, an HTTP client that trusts the configuration's
/// certificate authority and presents its client certificate, the credentials, and the time limit of a call.
/// BareLb's informers, writers and leader election send their requests on it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Create"/> builds the connection from a <see cref="KubernetesClientConfiguration"/> as KubernetesClient's
/// <see cref="Kubernetes"/> client builds its own (HTTP/2 with keep-alive pings, the custom trust store, the client
/// certificate, a bearer token, a token provider or basic credentials, the TLS server name, the user agent), without
/// constructing that client: its constructor loads the JSON metadata of every built-in kind, which in a natively compiled
/// speaker is several megabytes of memory on every node.
/// </para>
/// <para>
/// A tool that already holds a <see cref="Kubernetes"/> client can hand BareLb that client's pipeline with
/// <see cref="Of"/>.
/// </para>
/// </remarks>
public sealed class ApiConnection : IDisposable
{
    private readonly HttpMessageHandler? _ownedHandler;

    private ApiConnection(Uri baseUri, HttpClient httpClient, ServiceClientCredentials? credentials, TimeSpan timeout, string? tlsServerName, bool http2, HttpMessageHandler? ownedHandler)
    {
        BaseUri = baseUri;
        HttpClient = httpClient;
        Credentials = credentials;
        Timeout = timeout;
        TlsServerName = tlsServerName;
        RequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        _ownedHandler = ownedHandler;
    }

    /// <summary>The API server's address.</summary>
    public Uri BaseUri { get; }

    /// <summary>How long one call (not a watch) may take, as <see cref="KubernetesClientConfiguration.HttpClientTimeout"/>.</summary>
    public TimeSpan Timeout { get; }

    internal HttpClient HttpClient { get; }

    internal ServiceClientCredentials? Credentials { get; }

    internal string? TlsServerName { get; }

    internal Version RequestVersion { get; }

    /// <summary>
    /// Connects to the server that <paramref name="configuration"/> names, with its certificates and credentials.
    /// </summary>
    /// <param name="configuration">The client configuration (from a kubeconfig file or the Pod's service account).</param>
    /// <param name="handlers">Handlers that see every request first, outermost first (for example to count or delay requests).</param>
    /// <exception cref="KubeConfigException">The configuration has no server address, or one that is not a URL.</exception>
    public static ApiConnection Create(KubernetesClientConfiguration configuration, params DelegatingHandler[] handlers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(handlers);
        if (string.IsNullOrWhiteSpace(configuration.Host))
        {
            throw new KubeConfigException("the configuration names no server (Host)");
        }

        if (!Uri.TryCreate(configuration.Host, UriKind.Absolute, out var baseUri))
        {
            throw new KubeConfigException($"the server address '{configuration.Host}' is not a URL");
        }

        var socketsHandler = new SocketsHttpHandler
        {
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        if (baseUri.Scheme == Uri.UriSchemeHttps)
        {
            ConfigureTls(socketsHandler.SslOptions, configuration);
        }

        configuration.FirstMessageHandlerSetup?.Invoke(socketsHandler);
        HttpMessageHandler first = socketsHandler;
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            var innermost = handlers[i];
            while (innermost.InnerHandler is DelegatingHandler inner)
            {
                innermost = inner;
            }

            innermost.InnerHandler = first;
            first = handlers[i];
        }

        var httpClient = new HttpClient(first, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrWhiteSpace(configuration.UserAgent))
        {
            httpClient.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", configuration.UserAgent);
        }

        return new ApiConnection(
            baseUri,
            httpClient,
            CredentialsFor(configuration),
            configuration.HttpClientTimeout,
            string.IsNullOrWhiteSpace(configuration.TlsServerName) ? null : configuration.TlsServerName,
            !configuration.DisableHttp2,
            first);
    }

    /// <summary>
    /// Sends on the pipeline of a KubernetesClient <see cref="Kubernetes"/> client the caller already holds (its
    /// server, certificates, credentials and <see cref="AbstractKubernetes.HttpClientTimeout"/>; the client's
    /// TLS server name and HTTP/2 setting are not visible from outside it, so use <see cref="Create"/> when the
    /// configuration sets them). Disposing the connection leaves the client alone.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="client"/> is not KubernetesClient's <see cref="Kubernetes"/>.</exception>
    public static ApiConnection Of(IKubernetes client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var kubernetes = client as Kubernetes
            ?? throw new ArgumentException($"BareLb sends on KubernetesClient's {nameof(Kubernetes)} pipeline, not on {client.GetType().Name}", nameof(client));
        return new ApiConnection(kubernetes.BaseUri, kubernetes.HttpClient, kubernetes.Credentials, kubernetes.HttpClientTimeout, null, http2: true, ownedHandler: null);
    }

    /// <summary>Closes the connection's HTTP client (not a client's passed to <see cref="Of"/>).</summary>
    public void Dispose()
    {
        if (_ownedHandler is not null)
        {
            HttpClient.Dispose();
            _ownedHandler.Dispose();
        }
    }

    private static void ConfigureTls(SslClientAuthenticationOptions tls, KubernetesClientConfiguration configuration)
    {
        if (configuration.SkipTlsVerify)
        {
            // The kubeconfig asks for it (insecure-skip-tls-verify), as kubectl and KubernetesClient honour it.
#pragma warning disable CA5359
            tls.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (configuration.SslCaCerts is { Count: > 0 } authorities)
        {
            tls.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(authorities, certificate, chain, errors);
        }

        if (ClientCertificate.From(configuration) is { } clientCertificate)
        {
            tls.ClientCertificates = [clientCertificate];
            tls.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
    }

    /// <summary>A server certificate is trusted when it chains to one of the configuration's authorities alone (the system's roots play no part).</summary>
    private static bool IsTrusted(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || chain is null)
        {
            return false;
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static ServiceClientCredentials? CredentialsFor(KubernetesClientConfiguration configuration)
    {
        if (configuration.TokenProvider is { } provider)
        {
            return new TokenCredentials(provider);
        }

        if (!string.IsNullOrEmpty(configuration.AccessToken))
        {
            return new TokenCredentials(configuration.AccessToken);
        }

        return string.IsNullOrEmpty(configuration.Username)
            ? null
            : new BasicAuthenticationCredentials { UserName = configuration.Username, Password = configuration.Password };
    }
}
