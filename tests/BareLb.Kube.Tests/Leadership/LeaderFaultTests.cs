using BareLb.Kube.Client;
using BareLb.Kube.Leadership;
using BareLb.Kube.Testing;
using k8s;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Tests.Leadership;

/// <summary>
/// Leader election when things go wrong: a term whose work dies, a Lease in a namespace that does not exist, and
/// Lease writes that fail or are slow.
/// </summary>
public sealed class LeaderFaultTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static LeaderElectionOptions Options(string identity) => new()
    {
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task ATermWhoseWorkThrows_IsLogged_ReleasesTheLease_AndEndsTheRunWithTheFailure()
    {
        await using var cluster = await Cluster.StartAsync();
        using var logs = new ListLoggerFactory();
        var a = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-a"), logs.CreateLogger<LeaderElectedRunner>());
        var work = new TaskCompletionSource();
        var runA = a.RunAsync(async term => await work.Task.WaitAsync(term), Ct);
        await Eventually.TrueAsync(() => a.IsLeader, "replica-a leads");

        work.SetException(new InvalidOperationException("boom"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => runA.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("boom", failure.Message);
        Assert.False(a.IsLeader);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException && e.Text.Contains("replica-a", StringComparison.Ordinal));
        Assert.True(string.IsNullOrEmpty(cluster.LeaseHolder()), $"the Lease is released, not held by {cluster.LeaseHolder()}");

        // Released, so another replica leads at once rather than after the Lease expires.
        var b = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-b"));
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var runB = b.RunAsync(term => Task.Delay(Timeout.Infinite, term), stopB.Token);
        await Eventually.TrueAsync(() => b.IsLeader, "replica-b leads", TimeSpan.FromSeconds(3));
        await stopB.CancelAsync();
        await runB;
    }

    [Fact]
    public async Task ATermWhoseWorkReturnsWhileLeading_EndsTheRunToo()
    {
        await using var cluster = await Cluster.StartAsync();
        var a = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-a"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => a.RunAsync(_ => Task.CompletedTask, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Contains("ended while replica-a led", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeaseInAMissingNamespace_IsSaidOnce_AndRetriedUntilTheNamespaceExists()
    {
        await using var cluster = await Cluster.StartAsync(withNamespace: false);
        using var logs = new ListLoggerFactory();
        var a = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-a"), logs.CreateLogger<LeaderElectedRunner>());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = a.RunAsync(term => Task.Delay(Timeout.Infinite, term), stop.Token);

        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Text.Contains("namespace metallb-system does not exist", StringComparison.Ordinal)), "the missing namespace is logged");
        cluster.Server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        await Eventually.TrueAsync(() => a.IsLeader, "replica-a leads once the namespace exists");
        Assert.Single(logs.Entries, e => e.Text.Contains("does not exist", StringComparison.Ordinal));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task LeaseRenewalsFailingPastTheRenewDeadline_EndTheTerm_AndTheReplicaLeadsAgainInANewTerm()
    {
        await using var cluster = await Cluster.StartAsync();
        var a = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-a"));
        var terms = 0;
        var ended = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = a.RunAsync(
            async term =>
            {
                Interlocked.Increment(ref terms);
                try
                {
                    await Task.Delay(Timeout.Infinite, term);
                }
                finally
                {
                    Interlocked.Increment(ref ended);
                }
            },
            stop.Token);
        await Eventually.TrueAsync(() => a.IsLeader, "replica-a leads");

        // Every Lease write fails for longer than the renew deadline (3 s at one try per 100 ms).
        cluster.Server.Faults.FailNext("update", "leases", 500, count: 45);
        await Eventually.TrueAsync(() => Volatile.Read(ref ended) == 1, "the term ends when the Lease cannot be renewed");
        await Eventually.TrueAsync(() => a.IsLeader && Volatile.Read(ref terms) == 2, "replica-a leads again, in a new term", TimeSpan.FromSeconds(20));

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task SlowLeaseWrites_WithinTheRenewDeadline_KeepTheTerm()
    {
        await using var cluster = await Cluster.StartAsync();
        var a = new LeaderElectedRunner(ApiConnection.Of(cluster.Client), Options("replica-a"));
        var terms = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = a.RunAsync(
            async term =>
            {
                Interlocked.Increment(ref terms);
                await Task.Delay(Timeout.Infinite, term);
            },
            stop.Token);
        await Eventually.TrueAsync(() => a.IsLeader, "replica-a leads");
        var renewed = cluster.LeaseRenewTime();

        cluster.Server.Faults.ResponseDelay = TimeSpan.FromMilliseconds(400);
        await Eventually.TrueAsync(() => cluster.LeaseRenewTime() != renewed, "the Lease is renewed through the slow server");
        await Eventually.TrueAsync(() => cluster.LeaseRenewTime() != renewed, "and renewed again");
        cluster.Server.Faults.ResponseDelay = TimeSpan.Zero;

        Assert.True(a.IsLeader);
        Assert.Equal(1, Volatile.Read(ref terms));
        await stop.CancelAsync();
        await run;
    }

    private sealed class Cluster : IAsyncDisposable
    {
        private Cluster(KubeApiServer server)
        {
            Server = server;
            Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        }

        public KubeApiServer Server { get; }

        public Kubernetes Client { get; }

        public static async Task<Cluster> StartAsync(bool withNamespace = true)
        {
            var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
            if (withNamespace)
            {
                server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
            }

            return new Cluster(server);
        }

        public string? LeaseHolder() =>
            Server.Get("coordination.k8s.io/v1", "Lease", "metallb-system", "barelb-controller")?["spec"]?["holderIdentity"]?.GetValue<string>();

        public string? LeaseRenewTime() =>
            Server.Get("coordination.k8s.io/v1", "Lease", "metallb-system", "barelb-controller")?["spec"]?["renewTime"]?.GetValue<string>();

        public async ValueTask DisposeAsync()
        {
            Server.Faults.ResponseDelay = TimeSpan.Zero;
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }
}
