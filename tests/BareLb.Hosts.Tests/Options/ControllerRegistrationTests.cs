using BareLb.Controller;
using BareLb.Hosting.Http;
using BareLb.Kube.DependencyInjection;
using BareLb.Kube.Metrics;
using BareLb.Kube.Testing;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.Options;

/// <summary><c>AddBareLbController</c>: options checked when the host starts, parts taken from the container.</summary>
public sealed class ControllerRegistrationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Metallb-System", "x", 15, "Namespace 'Metallb-System'")]
    [InlineData("metallb-system", "", 15, "Identity must be set")]
    [InlineData("metallb-system", "x", 0.5, "LeaseDuration 0.5 s: expected from 1 to 3600 seconds")]
    public void TheValidator_NamesTheSettingAndTheReason(string @namespace, string identity, double leaseSeconds, string expected)
    {
        var options = new BareLbControllerOptions { Namespace = @namespace, Identity = identity, LeaseDuration = TimeSpan.FromSeconds(leaseSeconds) };
        var result = new BareLbControllerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith(expected, Assert.Single(result.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void GoodOptions_Pass() =>
        Assert.True(new BareLbControllerOptionsValidator().Validate(null, new BareLbControllerOptions { Identity = "replica-a" }).Succeeded);

    [Fact]
    public async Task BadOptions_StopTheHostAtStart_BeforeAnythingRuns()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        // A client that is never called: the options are refused before anything talks to Kubernetes.
        builder.Services.AddSingleton<IKubernetes>(_ => new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }));
        builder.Services.AddBareLbController(o => o.Identity = "");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("Identity must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheControllerHost_TakesTheContainersTimeProvider_AndBecomesReadyAgainstTheEmulator()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        var fake = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(fake);
        var settings = new ControllerSettings { Namespace = "metallb-system", Identity = "in-process", Listen = [new ListenAddress("127.0.0.1", 0)], LeaseDuration = TimeSpan.FromSeconds(3) };
        ControllerHost.Configure(builder.Services, settings, KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        using var host = builder.Build();

        Assert.Same(fake, host.Services.GetRequiredService<TimeProvider>());
        Assert.NotNull(host.Services.GetRequiredService<ControllerMetrics>());
        await host.StartAsync(Ct);
        var controller = host.Services.GetRequiredService<LeaderElectedControllerService>();
        using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<ProbeServer>().Addresses[0] };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!controller.Leadership.IsLeader)
        {
            Assert.True(DateTime.UtcNow < deadline, "never became leader");
            await Task.Delay(20, Ct);
        }

        // Leader, but no configuration: alive, and ready once its caches have synced, saying that it waits for one.
        Assert.Equal("ok", await http.GetStringAsync("/healthz", Ct));
        var said = "";
        while (said != "ok (leader; no valid configuration yet: no Service is touched until one exists)")
        {
            Assert.True(DateTime.UtcNow < deadline, $"/readyz said {said}");
            using var readiness = await http.GetAsync("/readyz", Ct);
            said = readiness.IsSuccessStatusCode ? await readiness.Content.ReadAsStringAsync(Ct) : "";
            await Task.Delay(20, Ct);
        }

        Assert.Null(controller.Failure);
        await host.StopAsync(Ct);
    }
}
