using System.Net;
using System.Net.Sockets;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

/// <summary>IP families and cluster IPs on single-stack and dual-stack clusters, defaulted as the API server does.</summary>
public sealed class DualStackServiceTests
{
    private const string DualStackRanges = "10.96.0.0/12,2001:db8:ffff::/112";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ApiServerScope> StartAsync(string ranges) => ApiServerScope.StartAsync(new KubeApiServerOptions { ServiceClusterIpRange = ranges });

    private static V1Service Service(string name, string? policy = null, params string[] families)
    {
        var service = Objects.Service(name, type: "LoadBalancer");
        service.Spec.IpFamilyPolicy = policy;
        service.Spec.IpFamilies = families.Length == 0 ? null : families;
        return service;
    }

    private static void AssertIn(string cidr, string ip) => Assert.True(IPNetwork.Parse(cidr).Contains(IPAddress.Parse(ip)), $"{ip} is not in {cidr}");

    [Fact]
    public async Task OnADualStackCluster_ByDefault_AServiceIsSingleStackOfThePrimaryFamily()
    {
        await using var scope = await StartAsync(DualStackRanges);

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web"), "default", cancellationToken: Ct);

        Assert.Equal("SingleStack", created.Spec.IpFamilyPolicy);
        Assert.Equal(["IPv4"], created.Spec.IpFamilies);
        AssertIn("10.96.0.0/12", Assert.Single(created.Spec.ClusterIPs));
        Assert.Equal(created.Spec.ClusterIPs[0], created.Spec.ClusterIP);
    }

    [Theory]
    [InlineData("RequireDualStack")]
    [InlineData("PreferDualStack")]
    public async Task OnADualStackCluster_ADualStackPolicy_GetsOneClusterIPOfEachFamily_PrimaryFirst(string policy)
    {
        await using var scope = await StartAsync(DualStackRanges);

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", policy), "default", cancellationToken: Ct);

        Assert.Equal(policy, created.Spec.IpFamilyPolicy);
        Assert.Equal(["IPv4", "IPv6"], created.Spec.IpFamilies);
        Assert.Equal(2, created.Spec.ClusterIPs.Count);
        AssertIn("10.96.0.0/12", created.Spec.ClusterIPs[0]);
        AssertIn("2001:db8:ffff::/112", created.Spec.ClusterIPs[1]);
        Assert.Equal(created.Spec.ClusterIPs[0], created.Spec.ClusterIP);
    }

    [Fact]
    public async Task TwoFamiliesWithoutAPolicy_DefaultToRequireDualStack_InTheGivenOrder()
    {
        await using var scope = await StartAsync(DualStackRanges);

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", null, "IPv6", "IPv4"), "default", cancellationToken: Ct);

        Assert.Equal("RequireDualStack", created.Spec.IpFamilyPolicy);
        Assert.Equal(["IPv6", "IPv4"], created.Spec.IpFamilies);
        AssertIn("2001:db8:ffff::/112", created.Spec.ClusterIP);
        AssertIn("10.96.0.0/12", created.Spec.ClusterIPs[1]);
    }

    [Fact]
    public async Task SingleStackIPv6_GetsAnIPv6ClusterIP()
    {
        await using var scope = await StartAsync(DualStackRanges);

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", "SingleStack", "IPv6"), "default", cancellationToken: Ct);

        Assert.Equal(["IPv6"], created.Spec.IpFamilies);
        Assert.Equal(AddressFamily.InterNetworkV6, IPAddress.Parse(Assert.Single(created.Spec.ClusterIPs)).AddressFamily);
        AssertIn("2001:db8:ffff::/112", created.Spec.ClusterIP);
    }

    [Fact]
    public async Task AnIPv6OnlyCluster_GivesIPv6ClusterIPs_AndTheKubernetesServiceOneToo()
    {
        await using var scope = await StartAsync("2001:db8:ffff::/112");

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web"), "default", cancellationToken: Ct);
        var kubernetes = await scope.Client.CoreV1.ReadNamespacedServiceAsync("kubernetes", "default", cancellationToken: Ct);

        Assert.Equal(["IPv6"], created.Spec.IpFamilies);
        AssertIn("2001:db8:ffff::/112", created.Spec.ClusterIP);
        Assert.Equal("2001:db8:ffff::1", kubernetes.Spec.ClusterIP);
    }

    [Fact]
    public async Task OnASingleStackCluster_PreferDualStack_GetsOneFamily_AndRequireDualStackIsRefused()
    {
        await using var scope = await StartAsync("10.96.0.0/12");

        var preferred = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("prefer", "PreferDualStack"), "default", cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("require", "RequireDualStack"), "default", cancellationToken: Ct));

        Assert.Equal(["IPv4"], preferred.Spec.IpFamilies);
        Assert.Single(preferred.Spec.ClusterIPs);
        Assert.Equal((HttpStatusCode)422, refused.Response.StatusCode);
        Assert.Contains("spec.ipFamilyPolicy: Invalid value: \\\"RequireDualStack\\\": this cluster is not configured for dual-stack services", refused.Response.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SingleStack", new[] { "IPv4", "IPv6" }, "must be RequireDualStack or PreferDualStack when multiple IP families are specified")]
    [InlineData("RequireDualStack", new[] { "IPv4", "IPv4" }, "spec.ipFamilies[1]: Duplicate value: \\\"IPv4\\\"")]
    [InlineData("SingleStack", new[] { "IPv5" }, "spec.ipFamilies[0]: Unsupported value: \\\"IPv5\\\"")]
    public async Task InvalidFamilies_AreRefusedWithTheApiServersMessage(string policy, string[] families, string expected)
    {
        await using var scope = await StartAsync(DualStackRanges);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", policy, families), "default", cancellationToken: Ct));

        Assert.Equal((HttpStatusCode)422, refused.Response.StatusCode);
        Assert.Contains(expected, refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIPv6FamilyOnAnIPv4Cluster_IsNotConfigured()
    {
        await using var scope = await StartAsync("10.96.0.0/12");

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web", "SingleStack", "IPv6"), "default", cancellationToken: Ct));

        Assert.Contains("spec.ipFamilies[0]: Invalid value: \\\"IPv6\\\": not configured on this cluster", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestedClusterIPs_SetTheFamilies_AndAreRefusedWhenTaken()
    {
        await using var scope = await StartAsync(DualStackRanges);
        var service = Service("web", "PreferDualStack");
        service.Spec.ClusterIPs = ["2001:db8:ffff::10", "10.96.0.10"];

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(service, "default", cancellationToken: Ct);
        var again = Service("other", "SingleStack");
        again.Spec.ClusterIP = "2001:db8:ffff:0::10";
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(again, "default", cancellationToken: Ct));

        Assert.Equal(["IPv6", "IPv4"], created.Spec.IpFamilies);
        Assert.Equal("2001:db8:ffff::10", created.Spec.ClusterIP);
        Assert.Contains("provided IP is already allocated", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updates_KeepTheClusterIPs_UpgradeAddsTheSecondFamily_DowngradeReleasesIt()
    {
        await using var scope = await StartAsync(DualStackRanges);
        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Service("web"), "default", cancellationToken: Ct);

        var upgraded = await scope.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"ipFamilyPolicy":"PreferDualStack"}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var relabelled = await scope.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var downgraded = await scope.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"ipFamilyPolicy":"SingleStack"}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var changeFamily = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"spec":{"ipFamilies":["IPv6"]}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct));

        Assert.Equal(created.Spec.ClusterIP, upgraded.Spec.ClusterIPs[0]);
        Assert.Equal(["IPv4", "IPv6"], upgraded.Spec.IpFamilies);
        Assert.Equal(upgraded.Spec.ClusterIPs, relabelled.Spec.ClusterIPs);
        Assert.Equal([created.Spec.ClusterIP], downgraded.Spec.ClusterIPs);
        Assert.Equal(["IPv4"], downgraded.Spec.IpFamilies);
        Assert.Contains("spec.ipFamilies[0]: Invalid value: \\\"IPv6\\\": may not change once set", changeFamily.Response.Content, StringComparison.Ordinal);

        // The released IPv6 cluster IP can be asked for again.
        var reuse = Service("reuse", "SingleStack", "IPv6");
        reuse.Spec.ClusterIP = upgraded.Spec.ClusterIPs[1];
        Assert.Equal(upgraded.Spec.ClusterIPs[1], (await scope.Client.CoreV1.CreateNamespacedServiceAsync(reuse, "default", cancellationToken: Ct)).Spec.ClusterIP);
    }

    [Fact]
    public async Task AHeadlessService_GetsFamiliesButNoClusterIP()
    {
        await using var scope = await StartAsync(DualStackRanges);
        var service = Service("headless", "PreferDualStack");
        service.Spec.Type = "ClusterIP";
        service.Spec.ClusterIP = "None";

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(service, "default", cancellationToken: Ct);

        Assert.Equal("None", created.Spec.ClusterIP);
        Assert.Equal(["None"], created.Spec.ClusterIPs);
        Assert.Equal(["IPv4", "IPv6"], created.Spec.IpFamilies);
    }
}
