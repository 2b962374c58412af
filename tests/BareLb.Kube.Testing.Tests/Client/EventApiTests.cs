using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class EventApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EventRecordedThroughEventsV1_IsListedAsCoreEvent_AndDescribed()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "LoadBalancer"), "default", cancellationToken: Ct);
        await scope.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "web.1" },
            Regarding = new V1ObjectReference { ApiVersion = "v1", Kind = "Service", Name = "web", NamespaceProperty = "default", Uid = svc.Metadata.Uid },
            Reason = "IPAllocated",
            Note = "Assigned IP [\"198.18.35.100\"]",
            Type = "Normal",
            EventTime = DateTime.UtcNow,
            ReportingController = "barelb.io/controller",
            ReportingInstance = "controller-0",
            Action = "Allocate",
        }, "default", cancellationToken: Ct);

        var core = (await scope.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=web", cancellationToken: Ct)).Items.Single();
        var v1 = await scope.Client.EventsV1.ReadNamespacedEventAsync("web.1", "default", cancellationToken: Ct);
        var described = (await KubectlRunner.RunAsync(scope.Server, "describe", "svc", "web")).Succeeded().Stdout;

        Assert.Equal(("Service", "web", "Assigned IP [\"198.18.35.100\"]", "barelb.io/controller"), (core.InvolvedObject.Kind, core.InvolvedObject.Name, core.Message, core.ReportingComponent));
        Assert.Equal(("web", "Assigned IP [\"198.18.35.100\"]"), (v1.Regarding.Name, v1.Note));
        Assert.Contains("IPAllocated", described, StringComparison.Ordinal);
        Assert.Contains("Assigned IP [\"198.18.35.100\"]", described, StringComparison.Ordinal);
    }
}
