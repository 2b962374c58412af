using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Tests.Services;

public sealed class ServiceRequestReaderTests
{
    private static V1Service Service(Action<V1Service>? shape = null)
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "minio-service", NamespaceProperty = "kubeflow", Labels = new Dictionary<string, string> { ["application-crd-id"] = "kubeflow-pipelines" }, Annotations = new Dictionary<string, string>() },
            Spec = new V1ServiceSpec
            {
                Type = "LoadBalancer",
                LoadBalancerIP = "192.168.35.101",
                IpFamilies = ["IPv4"],
                IpFamilyPolicy = "SingleStack",
                Ports = [new V1ServicePort { Name = "http", Port = 9000, Protocol = "TCP" }],
                Selector = new Dictionary<string, string> { ["app"] = "minio", ["application-crd-id"] = "kubeflow-pipelines" },
            },
        };
        shape?.Invoke(service);
        return service;
    }

    private static ServiceRequest Read(V1Service service)
    {
        Assert.True(ServiceRequestReader.TryRead(service, null, out var request, out var error), error?.ToString());
        return request!;
    }

    private static ServiceFieldError Fail(V1Service service)
    {
        Assert.False(ServiceRequestReader.TryRead(service, null, out _, out var error));
        return error!;
    }

    [Fact]
    public void TheGuidesMinioService_AsksFor192_168_35_101()
    {
        var request = Read(Service());
        Assert.Equal(new ServiceKey("kubeflow", "minio-service"), request.Key);
        Assert.Equal([IPAddr.Parse("192.168.35.101")], request.RequestedAddresses);
        Assert.Equal([new ServicePort(TransportProtocol.Tcp, 9000)], request.Ports);
        Assert.Equal([IPFamily.IPv4], request.Families);
        Assert.Equal(IPFamilyPolicy.SingleStack, request.FamilyPolicy);
        Assert.Null(request.BackendKey);
        Assert.Equal("kubeflow-pipelines", request.ServiceLabels["application-crd-id"]);
    }

    [Theory]
    [InlineData(ServiceAnnotations.LoadBalancerIPs)]
    [InlineData(ServiceAnnotations.LegacyLoadBalancerIPs)]
    public void AddressesFromEitherAnnotationSpelling(string annotation)
    {
        var request = Read(Service(s =>
        {
            s.Spec.LoadBalancerIP = null;
            s.Spec.IpFamilyPolicy = "RequireDualStack";
            s.Metadata.Annotations[annotation] = "198.18.0.5, 2001:db8::5";
        }));
        Assert.Equal([IPAddr.Parse("198.18.0.5"), IPAddr.Parse("2001:db8::5")], request.RequestedAddresses);
        Assert.Equal(IPFamilyPolicy.RequireDualStack, request.FamilyPolicy);
    }

    [Theory]
    [InlineData("metallb.io/")]
    [InlineData("metallb.universe.tf/")]
    public void PoolAndSharingKey_FromEitherSpelling(string prefix)
    {
        var request = Read(Service(s =>
        {
            s.Metadata.Annotations[prefix + "address-pool"] = "reserved";
            s.Metadata.Annotations[prefix + "allow-shared-ip"] = "dns";
        }));
        Assert.Equal("reserved", request.Pool);
        Assert.Equal("dns", request.SharingKey);
    }

    [Fact]
    public void LocalTrafficPolicy_KeysBackendsByTheSortedSelector()
    {
        var request = Read(Service(s => s.Spec.ExternalTrafficPolicy = "Local"));
        Assert.Equal("app=minio,application-crd-id=kubeflow-pipelines", request.BackendKey);
    }

    [Fact]
    public void ABadAddress_NamesTheFieldAndTheCharacters()
    {
        var error = Fail(Service(s => s.Spec.LoadBalancerIP = "192.168.35.300"));
        Assert.Equal("spec.loadBalancerIP", error.Field);
        Assert.Contains("'300' at position 12: an IPv4 part is at most 255", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BothLoadBalancerIPAndTheAnnotation_AreRefused()
    {
        var error = Fail(Service(s => s.Metadata.Annotations[ServiceAnnotations.LoadBalancerIPs] = "192.168.35.102"));
        Assert.Equal("metadata.annotations[metallb.io/loadBalancerIPs]", error.Field);
    }

    [Fact]
    public void UnknownProtocolAndFamily_AreRefusedWithTheirField()
    {
        Assert.Equal("spec.ports[0].protocol", Fail(Service(s => s.Spec.Ports[0].Protocol = "QUIC")).Field);
        Assert.Equal("spec.ipFamilies[0]", Fail(Service(s => s.Spec.IpFamilies = ["IPv5"])).Field);
        Assert.Equal("spec.ipFamilyPolicy", Fail(Service(s => s.Spec.IpFamilyPolicy = "Both")).Field);
    }

    [Theory]
    [InlineData("LoadBalancer", null, null, true)]
    [InlineData("ClusterIP", null, null, false)]
    [InlineData("LoadBalancer", "other.example/lb", null, false)]
    [InlineData("LoadBalancer", "barelb.io/lb", "barelb.io/lb", true)]
    [InlineData("LoadBalancer", null, "barelb.io/lb", false)]
    public void OnlyLoadBalancersOfOurClass_AreHandled(string type, string? serviceClass, string? ourClass, bool handled)
    {
        var service = Service(s =>
        {
            s.Spec.Type = type;
            s.Spec.LoadBalancerClass = serviceClass;
        });
        Assert.Equal(handled, ServiceRequestReader.IsHandled(service, ourClass));
    }
}
