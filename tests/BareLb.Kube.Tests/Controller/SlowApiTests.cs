using BareLb.Kube.Client;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Controller;

/// <summary>
/// An API server slower than the client's timeout (<c>ResponseDelay</c> beyond <c>HttpClientTimeout</c>): the HTTP call
/// ends in a <see cref="TaskCanceledException"/> that is not the controller's own cancellation. The status publisher
/// and the problem reporter log it and carry on, so once the server is fast again, everything is written.
/// </summary>
public sealed class SlowApiTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task StatusWritesThatTimeOut_AreRetried_AndThePoolShowsItsCountsOnceTheServerIsFastAgain()
    {
        await using var rig = await Rig.StartAsync();
        await rig.CreatePoolAsync("lab", advertised: true);
        await rig.RunAsync();
        await Eventually.TrueAsync(() => rig.StatusWriter.Successes >= 1, "the pool's first status is written");

        rig.Server.Faults.ResponseDelay = Slow;
        await rig.CreateServiceAsync("web");
        await Eventually.TrueAsync(() => rig.StatusWriter.TimedOut >= 1, "a status write times out");
        rig.Server.Faults.ResponseDelay = TimeSpan.Zero;

        await Eventually.TrueAsync(async () => (await rig.PoolStatusAsync("lab"))?.AssignedIPv4 == 1, "the pool shows the Service's address");
        Assert.False(rig.Run.IsCompleted);
    }

    [Fact]
    public async Task AConfigurationEventThatTimesOut_DoesNotEndTheTerm_AndIsRecordedLater()
    {
        await using var rig = await Rig.StartAsync();
        await rig.CreatePoolAsync("lab", advertised: true);
        await rig.CreatePoolAsync("dark", advertised: false); // warned about: no advertisement selects it
        rig.Server.Faults.ResponseDelay = Slow;
        await rig.RunAsync();
        await Eventually.TrueAsync(() => rig.Events.TimedOut >= 1, "recording the warning event times out", TimeSpan.FromSeconds(20));
        rig.Server.Faults.ResponseDelay = TimeSpan.Zero;

        await rig.CreateServiceAsync("web");
        await Eventually.TrueAsync(async () => await rig.ExternalIPAsync("web") is not null, "the Service gets an address");
        await Eventually.TrueAsync(
            async () => (await rig.Client.CoreV1.ListNamespacedEventAsync(MetalLbApi.DefaultNamespace, cancellationToken: Ct)).Items
                .Any(e => e.InvolvedObject.Name == "dark" && e.Reason == "ConfigurationWarning"),
            "the warning about pool dark is recorded");
        Assert.False(rig.Run.IsCompleted);
    }

    [Fact]
    public async Task ConfigurationReadsThatFailOrAreSlow_AreRetried_AndTheControllerBecomesReady()
    {
        await using var rig = await Rig.StartAsync();
        await rig.CreatePoolAsync("lab", advertised: true);
        rig.Server.Faults.FailNext("list", "ipaddresspools", 500, count: 3);
        rig.Server.Faults.FailNext("watch", "l2advertisements", 500, count: 2);
        rig.Server.Faults.ResponseDelay = TimeSpan.FromMilliseconds(100); // slow, but within every client's timeout
        await rig.RunAsync();

        await rig.CreateServiceAsync("web");
        await Eventually.TrueAsync(async () => await rig.ExternalIPAsync("web") == "198.18.0.10", "the Service gets the pool's first address", TimeSpan.FromSeconds(20));
        rig.Server.Faults.ResponseDelay = TimeSpan.Zero;
        Assert.False(rig.Run.IsCompleted);
    }

    [Fact]
    public async Task StatusWritesThatFail_AreRetried_UntilThePoolShowsItsCounts()
    {
        await using var rig = await Rig.StartAsync();
        await rig.CreatePoolAsync("lab", advertised: true);
        rig.Server.Faults.FailNext("patch", "ipaddresspools/status", 500, count: 4);
        await rig.RunAsync();
        await rig.CreateServiceAsync("web");

        await Eventually.TrueAsync(async () => (await rig.PoolStatusAsync("lab"))?.AssignedIPv4 == 1, "the pool shows the Service's address");
        Assert.False(rig.Run.IsCompleted);
    }

    private sealed class Rig : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Kubernetes _impatient;
        private ServiceControllerHost? _host;

        private Rig(KubeApiServer server)
        {
            Server = server;
            Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
            var impatient = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
            impatient.HttpClientTimeout = ShortTimeout;
            _impatient = new Kubernetes(impatient);
            StatusWriter = new TimingStatusWriter(new KubernetesConfigurationStatusWriter(ApiConnection.Of(_impatient)));
            Events = new TimingServiceWriter(new KubernetesServiceWriter(ApiConnection.Of(_impatient), "barelb-controller"));
        }

        public KubeApiServer Server { get; }

        public Kubernetes Client { get; }

        public TimingStatusWriter StatusWriter { get; }

        public TimingServiceWriter Events { get; }

        public Task Run { get; private set; } = Task.CompletedTask;

        public static async Task<Rig> StartAsync()
        {
            var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
            server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
            server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
            var rig = new Rig(server);
            foreach (var name in CrdManifests.Names)
            {
                var crd = KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!);
                await rig.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
            }

            return rig;
        }

        public async Task CreatePoolAsync(string name, bool advertised)
        {
            var pool = new IPAddressPool { Metadata = new V1ObjectMeta { Name = name }, Spec = new IPAddressPoolSpec { Addresses = [name == "lab" ? "198.18.0.10-198.18.0.19" : "198.18.1.0/30"] } };
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(pool, MetalLbApi.Group, "v1beta1", MetalLbApi.DefaultNamespace, IPAddressPool.Plural, cancellationToken: Ct);
            if (advertised)
            {
                var l2 = new L2Advertisement { Metadata = new V1ObjectMeta { Name = name }, Spec = new L2AdvertisementSpec { IPAddressPools = [name] } };
                await Client.CustomObjects.CreateNamespacedCustomObjectAsync(l2, MetalLbApi.Group, "v1beta1", MetalLbApi.DefaultNamespace, L2Advertisement.Plural, cancellationToken: Ct);
            }
        }

        public Task RunAsync()
        {
            _host = ServiceControllerHost.Create(
                ApiConnection.Of(Client),
                new ServiceControllerOptions { Configuration = new() { AbsentResourceRecheck = TimeSpan.FromMilliseconds(200) }, PoolStatusInterval = TimeSpan.FromMilliseconds(50) },
                writer: Events,
                statusWriter: StatusWriter);
            Run = Task.Run(() => _host.Controller.RunAsync(_stop.Token), Ct);
            return Task.CompletedTask;
        }

        public Task CreateServiceAsync(string name) =>
            Client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] } },
                "apps",
                cancellationToken: Ct);

        public async Task<string?> ExternalIPAsync(string name)
        {
            var service = await Client.CoreV1.ReadNamespacedServiceAsync(name, "apps", cancellationToken: Ct);
            return service.Status?.LoadBalancer?.Ingress is [{ Ip: { } first }, ..] ? first : null;
        }

        public async Task<IPAddressPoolStatus?> PoolStatusAsync(string name) =>
            (await Client.CustomObjects.GetNamespacedCustomObjectAsync<IPAddressPool>(MetalLbApi.Group, "v1beta1", MetalLbApi.DefaultNamespace, IPAddressPool.Plural, name, cancellationToken: Ct)).Status;

        public async ValueTask DisposeAsync()
        {
            Server.Faults.ResponseDelay = TimeSpan.Zero;
            await _stop.CancelAsync();
            try
            {
                await Run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                // A failed term is what the tests assert on; stopping must not hide their message.
            }

            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            _impatient.Dispose();
            Client.Dispose();
            await Server.DisposeAsync();
            _stop.Dispose();
        }
    }

    /// <summary>Counts status writes that succeeded and that timed out.</summary>
    private sealed class TimingStatusWriter(IConfigurationStatusWriter inner) : IConfigurationStatusWriter
    {
        private int _successes;
        private int _timedOut;

        public int Successes => Volatile.Read(ref _successes);

        public int TimedOut => Volatile.Read(ref _timedOut);

        public async Task<bool> WriteStatusAsync(string plural, string objectNamespace, string name, object status, CancellationToken cancellationToken)
        {
            try
            {
                var written = await inner.WriteStatusAsync(plural, objectNamespace, name, status, cancellationToken);
                Interlocked.Increment(ref _successes);
                return written;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _timedOut);
                throw;
            }
        }
    }

    /// <summary>Writes through the inner writer and counts configuration events that timed out.</summary>
    private sealed class TimingServiceWriter(KubernetesServiceWriter inner) : IServiceWriter, IConfigurationEvents
    {
        private int _timedOut;

        public int TimedOut => Volatile.Read(ref _timedOut);

        public Task<V1Service?> WriteStatusAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken) =>
            inner.WriteStatusAsync(service, addresses, pool, cancellationToken);

        public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken) =>
            inner.RecordEventAsync(service, type, reason, message, cancellationToken);

        public async Task RecordProblemAsync(ConfigurationProblem problem, string objectNamespace, string? objectUid, CancellationToken cancellationToken)
        {
            try
            {
                await inner.RecordProblemAsync(problem, objectNamespace, objectUid, cancellationToken);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _timedOut);
                throw;
            }
        }
    }
}
