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
/// The controller configured by MetalLB's metallb.io custom resources, as MetalLB 0.13+ users have it: pools and
/// advertisements from the API, status conditions and counts on them, warnings as events, CRDs installed late,
/// and the both-forms rule.
/// </summary>
public sealed class CustomResourceConfigurationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static string Pool(string name, string addresses) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: {{name}}, namespace: metallb-system}
        spec: {addresses: [{{addresses}}]}
        """;

    private static string L2(string name, string pool) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: {{name}}, namespace: metallb-system}
        spec: {ipAddressPools: [{{pool}}]}
        """;

    [Fact]
    public async Task PoolsFromCustomResources_AssignAddresses_AndThePoolShowsCountsAndConditions()
    {
        await using var rig = await Rig.StartAsync(installCrds: true);
        await rig.ApplyAsync(Pool("lab", "198.18.0.10-198.18.0.19"), L2("lab", "lab"));
        await rig.CreateServiceAsync("web", requested: null);
        Assert.Equal("198.18.0.10", await rig.ExternalIPAsync("web"));

        var status = await rig.WaitForPoolStatusAsync("lab", s => s.AssignedIPv4 == 1);
        Assert.Equal(9, status.AvailableIPv4);
        Assert.Equal(0, status.AssignedIPv6);
        Assert.Contains(status.Conditions!, c => c.Type == "Accepted" && c.Status == "True");
        Assert.Contains(status.Conditions!, c => c.Type == "Advertised" && c.Status == "True");

        // The printer columns and status are visible through kubectl, as an operator reads them.
        var yaml = await Kubectl.SucceedAsync(rig.Server.KubeconfigPath, "get", "ipaddresspool", "lab", "-n", "metallb-system", "-o", "yaml");
        Assert.Contains("assignedIPv4: 1", yaml, StringComparison.Ordinal);
        Assert.Contains("availableIPv4: 9", yaml, StringComparison.Ordinal);
        var table = await Kubectl.SucceedAsync(rig.Server.KubeconfigPath, "get", "ipaddresspools", "-n", "metallb-system", "-o", "wide");
        Assert.Matches(@"(?m)^NAME\s+AUTO ASSIGN\s+AVOID BUGGY IPS\s+ADDRESSES\s+ACCEPTED\s+ADVERTISED\s+ASSIGNED IPV4\s+ASSIGNED IPV6\s+AGE", table);
        Assert.Matches(@"(?m)^lab\s+.*\[""198\.18\.0\.10-198\.18\.0\.19""\]\s+True\s+True\s+1\s+0\s+", table);
    }

    [Fact]
    public async Task APoolNoAdvertisementSelects_IsServed_ButWarnedAbout_OnTheObject()
    {
        await using var rig = await Rig.StartAsync(installCrds: true);
        await rig.ApplyAsync(Pool("lab", "198.18.0.10-198.18.0.19"), Pool("dark", "198.18.1.0/30"), L2("lab", "lab"));

        var status = await rig.WaitForPoolStatusAsync("dark", s => s.Conditions?.Any(c => c.Type == "Advertised") == true);
        var advertised = Assert.Single(status.Conditions!, c => c.Type == "Advertised");
        Assert.Equal("False", advertised.Status);
        Assert.Equal("NoAdvertisement", advertised.Reason);
        Assert.Contains("will not be announced", advertised.Message, StringComparison.Ordinal);

        var describe = await rig.WaitForDescribeAsync("ipaddresspool", "dark", "ConfigurationWarning");
        Assert.Contains("addresses from pool dark will not be announced", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidPool_NeverTakesEffect_IsExplainedOnTheObject_AndTheLastGoodConfigurationStays()
    {
        await using var rig = await Rig.StartAsync(installCrds: true);
        await rig.ApplyAsync(Pool("lab", "198.18.0.10-198.18.0.19"), L2("lab", "lab"));
        await rig.CreateServiceAsync("web", requested: "198.18.0.15");
        Assert.Equal("198.18.0.15", await rig.ExternalIPAsync("web"));
        await rig.WaitForPoolStatusAsync("lab", s => s.AssignedIPv4 == 1);

        // Overlapping the first pool: the emulator runs no CEL, so the object is stored, and the controller refuses it.
        await rig.ApplyAsync(Pool("clash", "198.18.0.0/24"));
        var status = await rig.WaitForPoolStatusAsync("clash", s => s.Conditions?.Any(c => c.Type == "Accepted" && c.Status == "False") == true);
        var accepted = Assert.Single(status.Conditions!, c => c.Type == "Accepted");
        Assert.Equal("Invalid", accepted.Reason);
        Assert.Contains("overlap", accepted.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("the last valid configuration stays in force", accepted.Message, StringComparison.Ordinal);

        // The pool it overlaps is told too; the advertisement, itself fine, says it is not in force either, and why.
        var lab = await rig.WaitForPoolStatusAsync("lab", s => s.Conditions?.Any(c => c.Type == "Accepted" && c.Status == "False") == true);
        Assert.Contains("overlaps pool clash", Assert.Single(lab.Conditions!, c => c.Type == "Accepted").Message, StringComparison.Ordinal);
        var l2 = await Rig.WaitAsync(async () =>
        {
            var reason = await Kubectl.SucceedAsync(rig.Server.KubeconfigPath, "get", "l2advertisement", "lab", "-n", "metallb-system", "-o", "jsonpath={.status.conditions[0].reason}: {.status.conditions[0].message}");
            return reason.StartsWith("ConfigurationInvalid", StringComparison.Ordinal) ? reason : null;
        });
        Assert.Contains("IPAddressPool clash", l2, StringComparison.Ordinal);

        await rig.WaitForDescribeAsync("ipaddresspool", "clash", "InvalidConfiguration");
        Assert.Contains(rig.Host.Controller.ConfigurationProblems, p => p.Kind == IPAddressPool.KindName && p.Severity == ProblemSeverity.Error);
        Assert.Equal("198.18.0.15", await rig.ExternalIPAsync("web"));
        Assert.Equal(["lab"], rig.Host.Controller.Configuration!.PoolSpecs.Select(p => p.Name));

        // Fixed: it takes effect and every object is accepted again.
        await Kubectl.SucceedAsync(rig.Server.KubeconfigPath, "delete", "ipaddresspool", "clash", "-n", "metallb-system");
        await rig.WaitForPoolStatusAsync("lab", s => s.Conditions?.Any(c => c.Type == "Accepted" && c.Status == "True") == true);
    }

    [Fact]
    public async Task CrdsInstalledAfterTheControllerStarted_ArePickedUp()
    {
        await using var rig = await Rig.StartAsync(installCrds: false);
        await rig.CreateServiceAsync("web", requested: null);
        Assert.Null(await rig.ExternalIPAsync("web", expectNone: true));
        Assert.False(rig.Host.Controller.IsReady);

        await rig.InstallCrdsAsync();
        await rig.ApplyAsync(Pool("lab", "198.18.0.10-198.18.0.19"), L2("lab", "lab"));
        Assert.Equal("198.18.0.10", await rig.ExternalIPAsync("web"));
        Assert.True(rig.Host.Controller.IsReady);
    }

    [Fact]
    public async Task WithBothForms_TheCustomResourcesWin_AndTheConfigMapIsWarnedAbout()
    {
        await using var rig = await Rig.StartAsync(installCrds: true);
        await rig.ApplyAsync(Configuration.Samples.GuideConfigMap);
        await rig.CreateServiceAsync("web", requested: null);
        Assert.Equal("192.168.35.100", await rig.ExternalIPAsync("web"));

        // Migrating: the converted resources take over; the Service's address is not in them, so it moves.
        await rig.ApplyAsync(Pool("lab", "198.18.0.10-198.18.0.19"), L2("lab", "lab"));
        var describe = await rig.WaitForDescribeAsync("configmap", "config", "ConfigurationWarning");
        Assert.Contains("custom resources take precedence", describe, StringComparison.Ordinal);
        Assert.Equal(ConfigurationForm.CustomResources, (await Rig.WaitAsync(() => Task.FromResult(rig.Host.Controller.Configuration?.Form == ConfigurationForm.CustomResources ? rig.Host.Controller.Configuration : null))).Form);
        for (var i = 0; i < 300 && await rig.ExternalIPAsync("web") != "198.18.0.10"; i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Equal("198.18.0.10", await rig.ExternalIPAsync("web"));
    }

    private sealed class Rig : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _run;

        private Rig(KubeApiServer server, Kubernetes client, ServiceControllerHost host)
        {
            Server = server;
            Client = client;
            Host = host;
        }

        public KubeApiServer Server { get; }

        public Kubernetes Client { get; }

        public ServiceControllerHost Host { get; }

        public static async Task<Rig> StartAsync(bool installCrds)
        {
            var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
            server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
            server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
            var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
            var host = ServiceControllerHost.Create(
                ApiConnection.Of(client),
                new ServiceControllerOptions { Configuration = new() { AbsentResourceRecheck = TimeSpan.FromMilliseconds(200) }, PoolStatusInterval = TimeSpan.FromMilliseconds(50) });
            var rig = new Rig(server, client, host);
            if (installCrds)
            {
                await rig.InstallCrdsAsync();
            }

            rig._run = Task.Run(() => host.Controller.RunAsync(rig._stop.Token), Ct);
            return rig;
        }

        public async Task InstallCrdsAsync()
        {
            foreach (var name in CrdManifests.Names)
            {
                var crd = KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!);
                await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
            }
        }

        public async Task ApplyAsync(params string[] documents)
        {
            var file = Path.Combine(Path.GetTempPath(), $"barelb-crs-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(file, string.Join("\n---\n", documents), Ct);
            try
            {
                await Kubectl.SucceedAsync(Server.KubeconfigPath, "apply", "-f", file);
            }
            finally
            {
                File.Delete(file);
            }
        }

        public Task CreateServiceAsync(string name, string? requested) =>
            Client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service
                {
                    Metadata = new V1ObjectMeta { Name = name },
                    Spec = new V1ServiceSpec { Type = "LoadBalancer", LoadBalancerIP = requested, Ports = [new V1ServicePort { Port = 80 }] },
                },
                "apps",
                cancellationToken: Ct);

        public async Task<string?> ExternalIPAsync(string name, bool expectNone = false)
        {
            string? ip = null;
            for (var i = 0; i < (expectNone ? 25 : 300); i++)
            {
                var service = await Client.CoreV1.ReadNamespacedServiceAsync(name, "apps", cancellationToken: Ct);
                ip = service.Status?.LoadBalancer?.Ingress is [{ Ip: { } first }, ..] ? first : null;
                if (ip is not null)
                {
                    return ip;
                }

                await Task.Delay(20, Ct);
            }

            return ip;
        }

        public Task<IPAddressPoolStatus> WaitForPoolStatusAsync(string pool, Func<IPAddressPoolStatus, bool> done) =>
            WaitAsync(async () =>
            {
                var read = await Client.CustomObjects.GetNamespacedCustomObjectAsync<IPAddressPool>(MetalLbApi.Group, "v1beta1", "metallb-system", IPAddressPool.Plural, pool, cancellationToken: Ct);
                return read.Status is { } status && done(status) ? status : null;
            });

        public Task<string> WaitForDescribeAsync(string kind, string name, string text) =>
            WaitAsync(async () =>
            {
                var describe = await Kubectl.SucceedAsync(Server.KubeconfigPath, "describe", kind, name, "-n", "metallb-system");
                return describe.Contains(text, StringComparison.Ordinal) ? describe : null;
            });

        public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe)
            where T : class
        {
            for (var i = 0; i < 150; i++)
            {
                if (await probe() is { } value)
                {
                    return value;
                }

                await Task.Delay(40, Ct);
            }

            return await probe() ?? throw new TimeoutException("the condition did not come true within 6 s");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_run is not null)
            {
                await _run;
            }

            await Host.DisposeAsync();
            Client.Dispose();
            await Server.DisposeAsync();
            _stop.Dispose();
        }
    }
}
