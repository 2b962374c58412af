using BareLb.Controller;
using BareLb.Hosting.Http;
using BareLb.Kube.Configuration;
using BareLb.Kube.DependencyInjection;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BareLb.Kube.Serialization;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>
/// The drop-in swap: barelb-controller run as MetalLB's <c>controller</c> ServiceAccount with exactly the RBAC that
/// MetalLB's own manifests give it (the rules every release from v0.13.12 to v0.16.1 grants, read from
/// config/manifests/metallb-native.yaml; v0.15 adds <c>update</c> on ipaddresspools/status, left out here), enforced by
/// the emulator per token. It still allocates, writes Service status with <c>update</c> and becomes ready; what it
/// may not do (Leases, ConfigMaps, a watch on BGPPeers, configuration status) it does without.
/// </summary>
public sealed class MetalLbRbacTests
{
    private const string Ns = "metallb-system";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    // MetalLB's controller Role and ClusterRole (v0.13.12 to v0.16.1), without the webhook, CRD and PodSecurityPolicy
    // rules that only concern features BareLb does not have.
    private const string MetalLbControllerRbac = """
        {"apiVersion":"v1","kind":"List","items":[
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"controller","namespace":"metallb-system"},"rules":[
            {"apiGroups":[""],"resources":["secrets"],"verbs":["create","delete","get","list","patch","update","watch"]},
            {"apiGroups":[""],"resources":["secrets"],"resourceNames":["memberlist"],"verbs":["list"]},
            {"apiGroups":["apps"],"resources":["deployments"],"resourceNames":["controller"],"verbs":["get"]},
            {"apiGroups":["metallb.io"],"resources":["bgppeers"],"verbs":["get","list"]},
            {"apiGroups":["metallb.io"],"resources":["bfdprofiles","ipaddresspools","bgpadvertisements","l2advertisements","communities"],"verbs":["get","list","watch"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"metallb-system:controller"},"rules":[
            {"apiGroups":[""],"resources":["services","namespaces"],"verbs":["get","list","watch"]},
            {"apiGroups":[""],"resources":["nodes"],"verbs":["list"]},
            {"apiGroups":[""],"resources":["services/status"],"verbs":["update"]},
            {"apiGroups":[""],"resources":["events"],"verbs":["create","patch"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"controller","namespace":"metallb-system"},
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"controller"},
           "subjects":[{"kind":"ServiceAccount","name":"controller","namespace":"metallb-system"}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"metallb-system:controller"},
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"metallb-system:controller"},
           "subjects":[{"kind":"ServiceAccount","name":"controller","namespace":"metallb-system"}]}]}
        """;

    [Fact]
    public async Task WithMetalLbsControllerRbac_TheControllerAllocates_WritesStatusByUpdate_AndIsReady()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        foreach (var name in CrdManifests.Names)
        {
            server.Seed(KubeJson.Serialize(KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!)));
        }

        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"default","namespace":"metallb-system"},"spec":{"addresses":["198.18.10.1-198.18.10.9"]}}""");
        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"L2Advertisement","metadata":{"name":"default","namespace":"metallb-system"}}""");
        server.Seed(MetalLbControllerRbac);
        var asController = server.CreateServiceAccountKubeconfig(Ns, "controller");
        using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var settings = new ControllerSettings { Namespace = Ns, Identity = "controller-0", Listen = [new ListenAddress("127.0.0.1", 0)], LeaseDuration = TimeSpan.FromSeconds(3) };
        ControllerHost.Configure(builder.Services, settings, KubernetesClientConfiguration.BuildConfigFromConfigFile(asController));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        try
        {
            var controller = host.Services.GetRequiredService<LeaderElectedControllerService>();
            await admin.CoreV1.CreateNamespacedServiceAsync(
                new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] } },
                "apps",
                cancellationToken: Ct);

            var service = await EventuallyAsync(async () =>
            {
                var s = await admin.CoreV1.ReadNamespacedServiceAsync("web", "apps", cancellationToken: Ct);
                return s.Status?.LoadBalancer?.Ingress is [_] && s.Metadata.Annotations?.ContainsKey("metallb.io/ip-allocated-from-pool") == true ? s : null;
            });
            Assert.Equal("198.18.10.1", service.Status.LoadBalancer.Ingress[0].Ip);
            Assert.Equal("default", service.Metadata.Annotations["metallb.io/ip-allocated-from-pool"]);

            using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<ProbeServer>().Addresses[0] };
            await EventuallyAsync(async () => (await http.GetAsync("/readyz", Ct)).IsSuccessStatusCode ? "ready" : null);
            Assert.True(controller.Leadership.WithoutElection);
            Assert.Null(controller.Failure);

            // What it was refused is exactly what MetalLB does not grant; never the Service status write.
            var denials = server.Authorization.Denials;
            Assert.Contains(denials, d => d.Contains(" get leases.coordination.k8s.io ", StringComparison.Ordinal));
            Assert.Contains(denials, d => d.Contains(" list configmaps ", StringComparison.Ordinal));
            Assert.DoesNotContain(denials, d => d.Contains("services", StringComparison.Ordinal) || d.Contains("events", StringComparison.Ordinal) || d.Contains("secrets", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task AServiceAccountToken_IsHeldToItsRoles_AndOtherTokensAreNot()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed(MetalLbControllerRbac);
        using var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        using var controller = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.CreateServiceAccountKubeconfig(Ns, "controller")));
        using var stranger = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.CreateServiceAccountKubeconfig(Ns, "speaker")));

        Assert.NotNull(await controller.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: Ct));
        Assert.NotNull(await controller.CoreV1.ListNamespacedSecretAsync(Ns, cancellationToken: Ct));
        Assert.NotNull(await admin.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: Ct));
        var forbidden = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => controller.CoreV1.ListNamespacedConfigMapAsync(Ns, cancellationToken: Ct));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.Response.StatusCode);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => controller.CoreV1.ListNamespacedSecretAsync("default", cancellationToken: Ct));
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => stranger.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: Ct));
        Assert.Equal(
            ["system:serviceaccount:metallb-system:controller list configmaps metallb-system",
             "system:serviceaccount:metallb-system:controller list secrets default",
             "system:serviceaccount:metallb-system:speaker list services"],
            server.Authorization.Denials);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition was not met within 30 s");
            await Task.Delay(50, Ct);
        }
    }
}
