using System.Net;
using BareLb.Kube.Client;
using BareLb.Kube.Testing;
using BareLb.Speaker.Kubernetes.Membership;
using BareLb.Testing.Support;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>How often the speaker lists its peers' Pods: every second while one is still to be joined, every minute once all are.</summary>
public sealed class SpeakerPeerDiscoveryTests
{
    private const string Ns = "metallb-system";

    [Fact]
    public async Task ListsEverySecondUntilEveryPodIsALiveMember_ThenEveryMinute_AndAtOnceWhenAMemberIsLost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await KubeApiServer.StartAsync(cancellationToken: ct);
        server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{Ns}}}"}}""");
        SeedPod(server, "speaker-a", "198.18.0.1");
        SeedPod(server, "speaker-b", "198.18.0.2");
        SeedPod(server, "speaker-c", null);
        var lists = new CountingHandler();
        using var client = ApiConnection.Create(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath), lists);
        var time = new FakeTimeProvider();
        var live = new HashSet<IPAddress>();
        var joined = new List<IPEndPoint>();
        var discovery = new SpeakerPeerDiscovery(
            client, Ns, "app=metallb,component=speaker", 7946,
            () => { lock (live) { return live.ToHashSet(); } },
            addresses => { lock (joined) { joined.AddRange(addresses); } },
            time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => discovery.RunAsync(stop.Token), ct);

        // A Pod without an address yet: listed again every second.
        await Eventually.TrueAsync(() => discovery.Waiting == SpeakerPeerDiscovery.Unsettled, "waiting a second after the first list");
        Assert.True(discovery.HasListed);
        lock (joined)
        {
            Assert.Equal(["198.18.0.1:7946", "198.18.0.2:7946"], joined.Select(static e => e.ToString()));
        }

        using (var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath)))
        {
            await admin.CoreV1.DeleteNamespacedPodAsync("speaker-c", Ns, cancellationToken: ct);
        }

        SeedPod(server, "speaker-c", "198.18.0.3");
        time.Advance(SpeakerPeerDiscovery.Unsettled);
        await Eventually.TrueAsync(() => { lock (joined) { return joined.Count == 3; } }, "the third Pod joined once it has an address");

        // Every Pod a live member: the next list is a minute away.
        lock (live)
        {
            live.UnionWith([IPAddress.Parse("198.18.0.1"), IPAddress.Parse("198.18.0.2"), IPAddress.Parse("198.18.0.3")]);
        }

        await Eventually.TrueAsync(() => discovery.Waiting == SpeakerPeerDiscovery.Unsettled, "waiting after the join");
        time.Advance(SpeakerPeerDiscovery.Unsettled);
        await Eventually.TrueAsync(() => discovery.Waiting == SpeakerPeerDiscovery.Settled, "waiting a minute once all are live");
        var settledLists = lists.Count;

        // A member lost: listed at once, without waiting for the minute to pass.
        discovery.MemberLost();
        await Eventually.TrueAsync(() => lists.Count == settledLists + 1, "listed again at once after a member was lost");

        await stop.CancelAsync();
        await run;
    }

    private static void SeedPod(KubeApiServer server, string name, string? ip) => server.Seed(PodJson(name, ip));

    private static string PodJson(string name, string? ip)
    {
        var address = ip is null ? "" : $$""","podIP":"{{ip}}" """.TrimEnd();
        return $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{Ns}}}","labels":{"app":"metallb","component":"speaker"}},"spec":{"containers":[{"name":"speaker","image":"barelb"}]},"status":{"phase":"Running"{{{address}}}}}""";
    }

    /// <summary>Counts the Pod lists the discovery sends.</summary>
    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/pods", StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref _count);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
