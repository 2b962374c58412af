using System.Collections.Concurrent;
using BareLb.Core.Allocation;
using BareLb.Kube.Controller;
using BareLb.Kube.Informers;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>The window of Services whose writes may be in flight gives every slot back, whatever path a key took.</summary>
public sealed class WriteWindowTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeysThatFailBeforeTheirWritesStart_DoNotUseUpTheWriteWindow()
    {
        // More broken keys than the window has slots (a Service without a namespace fails before its writes start),
        // listed before a good Service: the good one must still be written.
        var broken = Enumerable.Range(0, 40).Select(i => LoadBalancer(null, $"broken-{i:D2}"));
        var services = new Informer<V1Service>(new StaticListWatch<V1Service>([.. broken, LoadBalancer("apps", "good")]));
        var namespaces = new Informer<V1Namespace>(new StaticListWatch<V1Namespace>(new V1Namespace { Metadata = new V1ObjectMeta { Name = "apps", ResourceVersion = "1" } }));
        var writer = new RecordingWriter();
        using var controller = new ServiceController(services, namespaces, new ServiceReconciler(new AddressAllocator(ControllerParts.GuidePool), writer));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(() => controller.RunAsync(stop.Token), Ct);
        try
        {
            await Eventually.TrueAsync(() => writer.Ingress.ContainsKey("good"), "the good Service's status is written");
            Assert.Equal(["192.168.35.100"], writer.Ingress["good"]);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            await services.DisposeAsync();
            await namespaces.DisposeAsync();
        }
    }

    private static V1Service LoadBalancer(string? ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = Guid.NewGuid().ToString(), ResourceVersion = "1", CreationTimestamp = DateTime.UtcNow },
        Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] },
    };

    /// <summary>Records the addresses written to each Service, by name.</summary>
    private sealed class RecordingWriter : IServiceWriter
    {
        public ConcurrentDictionary<string, IReadOnlyList<string>> Ingress { get; } = new(StringComparer.Ordinal);

        public Task<V1Service?> WriteStatusAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
        {
            Ingress[service.Metadata.Name] = [.. addresses];
            return Task.FromResult<V1Service?>(null);
        }

        public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
