using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Authorization;
using BareLb.Kube.Testing.Faults;
using BareLb.Kube.Testing.Hosting;
using BareLb.Kube.Testing.Http;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Services;
using BareLb.Kube.Testing.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Testing;

/// <summary>
/// An in-memory Kubernetes API server on loopback that speaks the real REST and watch protocol, for
/// KubernetesClient, kubectl and controllers under test. Start it with <see cref="StartAsync"/>, point clients
/// at <see cref="KubeconfigPath"/>, seed objects with <see cref="Seed(string)"/>, and inject faults through
/// <see cref="Faults"/>.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly ResourceCatalog _catalog;
    private readonly ITimer _bookmarks;
    private readonly string? _ownedDirectory;
    private readonly X509Certificate2? _certificate;
    private int _disposed;

    private KubeApiServer(WebApplication app, ObjectStore store, ResourceCatalog catalog, ApiFaults faults, ApiAuthorization authorization, Uri baseAddress,
        string kubeconfigPath, string? ownedDirectory, X509Certificate2? certificate, ITimer bookmarks)
    {
        _app = app;
        _store = store;
        _catalog = catalog;
        Faults = faults;
        Authorization = authorization;
        BaseAddress = baseAddress;
        KubeconfigPath = kubeconfigPath;
        _ownedDirectory = ownedDirectory;
        _certificate = certificate;
        _bookmarks = bookmarks;
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>The kubeconfig file written for clients (cluster, user and context all named <c>barelb</c>).</summary>
    public string KubeconfigPath { get; }

    /// <summary>The certificate served when TLS is on (its own CA), or null for plain HTTP.</summary>
    public X509Certificate2? Certificate => _certificate;

    /// <summary>Fault injection: failed requests, delays, cut watches and compacted history.</summary>
    public ApiFaults Faults { get; }

    /// <summary>RBAC for ServiceAccount tokens (see <see cref="CreateServiceAccountKubeconfig"/>); other tokens may do anything.</summary>
    public ApiAuthorization Authorization { get; }

    /// <summary>The latest resourceVersion the server handed out.</summary>
    public string ResourceVersion => _store.CurrentVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>How many watch streams are open right now.</summary>
    public int OpenWatches => _store.WatchCount;

    /// <summary>Starts a server (on loopback unless <see cref="KubeApiServerOptions.ListenAddress"/> says otherwise) and writes its kubeconfig.</summary>
    /// <param name="options">The options, or null for the defaults (a free port, plain HTTP).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiServerOptions();
        var time = options.TimeProvider;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var catalog = new ResourceCatalog(BuiltInResources.All);
        var families = ServiceIpFamilies.Parse(options.ServiceClusterIpRange);
        var store = new ObjectStore(catalog, time, options.WatchHistoryCapacity, firstResourceVersion: 1000);
        store.AddAdmission(new NamespaceDefaulter());
        store.AddAdmission(new SecretDefaulter());
        store.AddAdmission(new ServiceDefaulter(families, options.NodePortMin, options.NodePortMax));
        store.AddAdmission(new CrdController(catalog, () => store, time));
        var faults = new ApiFaults(store);
        var authorization = new ApiAuthorization(store, catalog);
        var handler = new ApiHandler(store, catalog, faults, authorization, options, loggerFactory.CreateLogger("BareLb.Kube.Testing.ApiServer"));

        // Clients check the certificate against the wall clock, whatever clock the server runs on.
        var certificate = options.UseTls ? SelfSignedCertificate.Create(TimeProvider.System, options.ListenAddress) : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.ListenAddress, options.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            return await FinishStartAsync(app, store, catalog, faults, authorization, handler, options, families.Primary, certificate, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificate?.Dispose();
            throw;
        }
    }

    private static async Task<KubeApiServer> FinishStartAsync(WebApplication app, ObjectStore store, ResourceCatalog catalog, ApiFaults faults, ApiAuthorization authorization,
        ApiHandler handler, KubeApiServerOptions options, ServiceRange range, X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var host = options.ListenAddress.Equals(IPAddress.Any) || options.ListenAddress.Equals(IPAddress.IPv6Any)
            ? "127.0.0.1"
            : options.ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"[{options.ListenAddress}]"
                : options.ListenAddress.ToString();
        var hostPort = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var baseAddress = new Uri($"{(certificate is null ? "http" : "https")}://{hostPort}/");
        handler.ServerAddress = hostPort;

        string? ownedDirectory = null;
        var kubeconfigPath = options.KubeconfigPath;
        if (kubeconfigPath is null)
        {
            ownedDirectory = Directory.CreateTempSubdirectory("barelb-apiserver-").FullName;
            kubeconfigPath = Path.Combine(ownedDirectory, "kubeconfig");
        }
        else if (Path.GetDirectoryName(Path.GetFullPath(kubeconfigPath)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(kubeconfigPath, Kubeconfig.Render(baseAddress, certificate?.ExportCertificatePem()), cancellationToken).ConfigureAwait(false);
        var bookmarks = time.CreateTimer(_ => store.SendBookmarks(), null, options.BookmarkInterval, options.BookmarkInterval);
        var server = new KubeApiServer(app, store, catalog, faults, authorization, baseAddress, kubeconfigPath, ownedDirectory, certificate, bookmarks);
        if (options.SeedDefaults)
        {
            server.SeedDefaults(range);
        }

        return server;
    }

    /// <summary>
    /// Creates objects from JSON: one object, or a <c>List</c> (any <c>kind</c> ending in <c>List</c> with
    /// <c>items</c>). Namespaced objects without a namespace go to <c>default</c>. Services are defaulted and
    /// CRDs served exactly as when a client creates them.
    /// </summary>
    /// <param name="json">The object or list as JSON.</param>
    /// <returns>The stored objects, with uid, resourceVersion and defaults filled in.</returns>
    public IReadOnlyList<JsonObject> Seed(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        var node = Json.ParseObject(Encoding.UTF8.GetBytes(json));
        if (node["items"] is JsonArray items && (Json.String(node, "kind") ?? string.Empty).EndsWith("List", StringComparison.Ordinal))
        {
            return [.. items.OfType<JsonObject>().Select(i => Seed((JsonObject)i.DeepClone()))];
        }

        return [Seed(node)];
    }

    /// <summary>Creates one object (see <see cref="Seed(string)"/>).</summary>
    /// <param name="obj">The object; it is not modified.</param>
    /// <returns>The stored object.</returns>
    public JsonObject Seed(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = (JsonObject)obj.DeepClone();
        var type = TypeOf(Json.String(copy, "apiVersion"), Json.String(copy, "kind"));
        var ns = type.Namespaced ? Json.String(copy, "metadata", "namespace") is { Length: > 0 } n ? n : "default" : string.Empty;
        try
        {
            return _store.Create(type, ns, copy, dryRun: false).CloneNode();
        }
        catch (ApiException e)
        {
            throw new InvalidOperationException($"seeding {type.Kind} failed: {e.Message}", e);
        }
    }

    /// <summary>Reads an object as the server stores it, or null if there is none.</summary>
    /// <param name="apiVersion">e.g. <c>v1</c> or <c>coordination.k8s.io/v1</c>.</param>
    /// <param name="kind">e.g. <c>Service</c>.</param>
    /// <param name="namespace">The namespace, or null for a cluster-scoped object.</param>
    /// <param name="name">The name.</param>
    /// <returns>A copy of the object.</returns>
    public JsonObject? Get(string apiVersion, string kind, string? @namespace, string name)
    {
        var type = TypeOf(apiVersion, kind);
        return _store.Get(type, @namespace ?? string.Empty, name)?.CloneNode();
    }

    /// <summary>Lists objects of one kind as the server stores them, sorted by namespace and name.</summary>
    /// <param name="apiVersion">e.g. <c>v1</c> or <c>metallb.io/v1beta1</c>.</param>
    /// <param name="kind">e.g. <c>Service</c>.</param>
    /// <param name="namespace">Only this namespace, or null for all.</param>
    /// <returns>Copies of the objects.</returns>
    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? @namespace = null)
    {
        var type = TypeOf(apiVersion, kind);
        return [.. _store.List(type, @namespace).Items.Select(o => o.CloneNode())];
    }

    /// <summary>
    /// Writes a kubeconfig that acts as a ServiceAccount: its requests are allowed only what the stored Roles,
    /// ClusterRoles and their bindings grant that ServiceAccount (see <see cref="Authorization"/>), as in a cluster
    /// with RBAC. The file sits beside <see cref="KubeconfigPath"/>.
    /// </summary>
    /// <param name="namespace">The ServiceAccount's namespace.</param>
    /// <param name="serviceAccount">The ServiceAccount's name.</param>
    /// <returns>The kubeconfig's path.</returns>
    public string CreateServiceAccountKubeconfig(string @namespace, string serviceAccount)
    {
        var token = Authorization.AddServiceAccountToken(@namespace, serviceAccount);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(KubeconfigPath))!, $"kubeconfig-{@namespace}-{serviceAccount}");
        File.WriteAllText(path, Kubeconfig.Render(BaseAddress, _certificate?.ExportCertificatePem(), token));
        return path;
    }

    /// <summary>Sends a bookmark now to every watch that asked for bookmarks.</summary>
    public void SendBookmarks() => _store.SendBookmarks();

    /// <summary>Stops the server, ends open watches and deletes the kubeconfig it generated.</summary>
    /// <returns>A task that completes once the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _bookmarks.DisposeAsync().ConfigureAwait(false);
        _store.CutWatches();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
        if (_ownedDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A client may still hold the file open; the temporary directory is left behind.
            }
        }
    }

    private ResourceType TypeOf(string? apiVersion, string? kind)
    {
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            throw new ArgumentException("the object needs apiVersion and kind");
        }

        return _catalog.FindKind(apiVersion, kind)
            ?? throw new ArgumentException($"no resource of kind {kind} is served in {apiVersion}");
    }

    private void SeedDefaults(ServiceRange range)
    {
        foreach (var ns in (string[])["default", "kube-system", "kube-public", "kube-node-lease"])
        {
            Seed(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = ns },
            });
        }

        Seed(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kubernetes",
                ["namespace"] = "default",
                ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
            },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = range.KubernetesServiceIp,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }),
            },
        });
    }
}
