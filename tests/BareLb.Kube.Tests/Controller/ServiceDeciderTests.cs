using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BareLb.Kube.Controller;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>The reconciler's decision alone: the allocator and Service objects, no API server and no HTTP.</summary>
public sealed class ServiceDeciderTests
{
    private static readonly ServiceKey Web = new("apps", "web");

    private static AddressAllocator Allocator() =>
        new(PoolConfiguration.Create([new AddressPoolSpec { Name = "lab", Addresses = ["198.18.0.10-198.18.0.12"] }]));

    private static V1Service Service(string name = "web", string type = "LoadBalancer", string? resourceVersion = "1", string[]? ingress = null, string? pool = null, string? loadBalancerIP = null)
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", Uid = $"uid-{name}", ResourceVersion = resourceVersion, Annotations = new Dictionary<string, string>() },
            Spec = new V1ServiceSpec { Type = type, LoadBalancerIP = loadBalancerIP, Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] },
        };
        if (ingress is not null)
        {
            service.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [.. ingress.Select(ip => new V1LoadBalancerIngress { Ip = ip })] } };
        }

        if (pool is not null)
        {
            service.Metadata.Annotations[ServiceAnnotations.IPAllocatedFromPool] = pool;
        }

        return service;
    }

    [Fact]
    public void ANewService_GetsTheFirstFreeAddress_WithStatusAnnotationAndIPAllocated()
    {
        var decider = new ServiceDecider(Allocator());

        var decision = decider.Decide(Web, Service(), null);

        Assert.Equal(["198.18.0.10"], decision.Addresses);
        Assert.Equal("lab", decision.Pool);
        Assert.True(decision.WriteStatus);
        Assert.True(decision.WritePoolAnnotation);
        var e = Assert.Single(decision.Events);
        Assert.Equal((ServiceEventReasons.IPAllocated, "Normal"), (e.Reason, e.Type));
        Assert.Contains("198.18.0.10", e.Message, StringComparison.Ordinal);
        Assert.Equal("lab", decider.Allocator.GetAssignment(Web)!.Pool);
    }

    [Fact]
    public void AServiceThatShowsItsAddressAlready_NeedsNoWrite()
    {
        var decider = new ServiceDecider(Allocator());
        var first = decider.Decide(Web, Service(), null);
        decider.Recorded(first);

        var settled = decider.Decide(Web, Service(resourceVersion: "2", ingress: ["198.18.0.10"], pool: "lab"), null);

        Assert.False(settled.HasWrites);
        Assert.Empty(settled.Events);
    }

    [Fact]
    public void EventsNotYetRecorded_StayOwed_AndAreOwedOnceRecorded_NoMore()
    {
        var decider = new ServiceDecider(Allocator());
        var first = decider.Decide(Web, Service(), null);

        var retry = decider.Decide(Web, Service(resourceVersion: "2"), null);
        Assert.Equal(first.Events, retry.Events); // the writes of the first failed: the event is owed again

        decider.Recorded(retry);
        Assert.Empty(decider.Decide(Web, Service(resourceVersion: "3"), null).Events);
    }

    [Fact]
    public void ARecordedFailure_IsNotRepeated_WhileTheServiceFailsTheSameWay()
    {
        var decider = new ServiceDecider(Allocator());
        var failing = Service(loadBalancerIP: "198.18.9.9");

        var first = decider.Decide(Web, failing, null);
        Assert.Equal(ServiceEventReasons.AllocationFailed, Assert.Single(first.Events).Reason);
        Assert.Empty(first.Addresses);
        decider.Recorded(first);

        var again = decider.Decide(Web, failing, null);
        Assert.Empty(again.Events);
        Assert.False(again.HasWrites);
    }

    [Fact]
    public void AServiceNoLongerALoadBalancer_ReleasesItsAddress_AndIsCleared()
    {
        var decider = new ServiceDecider(Allocator());
        decider.Recorded(decider.Decide(Web, Service(), null));

        var cleared = decider.Decide(Web, Service(type: "ClusterIP", resourceVersion: "2", ingress: ["198.18.0.10"], pool: "lab"), null);

        Assert.Null(decider.Allocator.GetAssignment(Web));
        Assert.Empty(cleared.Addresses);
        Assert.True(cleared.WriteStatus);
        Assert.True(cleared.WritePoolAnnotation);
        Assert.Equal(ServiceEventReasons.ClearAssignment, Assert.Single(cleared.Events).Reason);
    }

    [Fact]
    public void ADeletedService_ReleasesItsAddress_AndWritesNothing()
    {
        var decider = new ServiceDecider(Allocator());
        decider.Decide(Web, Service(), null);

        var deleted = decider.Decide(Web, null, null);

        Assert.False(deleted.HasWrites);
        Assert.Null(decider.Allocator.GetAssignment(Web));
        Assert.Equal(["198.18.0.10"], decider.Decide(new ServiceKey("apps", "next"), Service("next"), null).Addresses);
    }

    [Fact]
    public void AnAddressTheConfigurationNoLongerAllows_IsReportedLost_ThenReplaced()
    {
        var decider = new ServiceDecider(Allocator());

        var decision = decider.Decide(Web, Service(ingress: ["198.18.5.5"], pool: "gone"), null);

        Assert.Equal([ServiceEventReasons.ClearAssignment, ServiceEventReasons.IPAllocated], decision.Events.Select(e => e.Reason));
        Assert.Equal(["198.18.0.10"], decision.Addresses);
    }

    [Fact]
    public void AVersionOurOwnWritesProducedOnTheWay_IsNoReasonToWriteAgain()
    {
        var decider = new ServiceDecider(Allocator());
        var first = decider.Decide(Web, Service(), null);
        decider.Recorded(first);

        // The status write came back as version 2 (addresses, no annotation yet), the annotation write as version 3.
        decider.Written(first, [Service(resourceVersion: "2", ingress: ["198.18.0.10"]), Service(resourceVersion: "3", ingress: ["198.18.0.10"], pool: "lab")]);

        Assert.False(decider.Decide(Web, Service(resourceVersion: "2", ingress: ["198.18.0.10"]), null).HasWrites);
        Assert.False(decider.Decide(Web, Service(resourceVersion: "3", ingress: ["198.18.0.10"], pool: "lab"), null).HasWrites);
        Assert.True(decider.Decide(Web, Service(resourceVersion: "4", ingress: ["198.18.0.10"]), null).WritePoolAnnotation); // someone else's change
    }

    [Fact]
    public void Restore_KeepsTheAddressAServiceShows_SoANewServiceDoesNotTakeIt()
    {
        var decider = new ServiceDecider(Allocator());

        Assert.True(decider.Restore(Service(ingress: ["198.18.0.10"], pool: "lab"), null));
        Assert.Equal(["198.18.0.11"], decider.Decide(new ServiceKey("apps", "next"), Service("next"), null).Addresses);
        Assert.False(decider.Restore(Service("other", ingress: ["not-an-address"]), null));
    }
}
