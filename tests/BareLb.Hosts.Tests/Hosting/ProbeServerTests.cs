using System.Diagnostics.Metrics;
using System.Net;
using BareLb.Hosting;
using BareLb.Hosting.Health;
using BareLb.Hosting.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.Hosting;

/// <summary>The hosting layer's HTTP endpoints over real HTTP on loopback, in process.</summary>
public sealed class ProbeServerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static IHost Build(string meter, Action<IServiceCollection>? more = null, bool serveHealth = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddBareLbHosting(o =>
        {
            o.Listen.Add(new ListenAddress("127.0.0.1", 0));
            o.MeterNames.Add(meter);
            o.ServeHealth = serveHealth;
        });
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Metrics_HealthAndReadiness_AreServed_AndAWorkerThatDiedMakesHealthz503()
    {
        var meterName = "BareLb.Hosts.Tests.Probe." + Guid.NewGuid().ToString("N");
        var worker = new WorkerHealth();
        var ready = false;
        using var host = Build(meterName, services => services.AddHealthChecks()
            .AddCheck("worker", worker, tags: [HealthTags.Live])
            .AddCheck("caches", () => ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("caches syncing"), tags: [HealthTags.Ready]));
        using var meter = host.Services.GetRequiredService<IMeterFactory>().Create(meterName);
        meter.CreateObservableGauge("metallb_k8s_client_config_loaded_bool", () => 1);
        await host.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = Assert.Single(host.Services.GetRequiredService<ProbeServer>().Addresses) };

        using var metrics = await http.GetAsync("/metrics", Ct);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
        Assert.Contains("metallb_k8s_client_config_loaded_bool 1\n", await metrics.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await AssertAnswersAsync(http, "/healthz", HttpStatusCode.OK, "ok");
        await AssertAnswersAsync(http, "/readyz", HttpStatusCode.ServiceUnavailable, "not ready: caches syncing");
        ready = true;
        await AssertAnswersAsync(http, "/readyz", HttpStatusCode.OK, "ok");
        worker.Fail("the controller stopped: InvalidOperationException: boom");
        await AssertAnswersAsync(http, "/healthz", HttpStatusCode.ServiceUnavailable, "not healthy: the controller stopped: InvalidOperationException: boom");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nothing", Ct)).StatusCode);

        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Metrics_AlwaysCarryTheProcessSeries_UnderPrometheusClientNames()
    {
        using var host = Build("unused");
        await host.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<ProbeServer>().Addresses[0] };

        var lines = (await http.GetStringAsync("/metrics", Ct)).Split('\n');
        double Value(string series) => double.Parse(Assert.Single(lines, l => l.StartsWith(series + " ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Environment.WorkingSet, Value("process_resident_memory_bytes"), tolerance: 64 * 1024 * 1024);
        Assert.InRange(Value("process_cpu_seconds_total"), 0.001, Environment.CpuUsage.TotalTime.TotalSeconds);
        Assert.InRange(Value("process_start_time_seconds"), DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(Value("process_open_fds") > 0);
        Assert.True(Value("dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value("dotnet_gc_committed_bytes") >= Value("dotnet_gc_heap_size_bytes"));
        Assert.Contains("dotnet_gc_collections_total{generation=\"0\"}", lines.Select(l => l.Split(' ')[0]));
        Assert.Contains("# TYPE process_cpu_seconds_total counter", lines);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task WithoutHealth_OnlyMetricsIsServed()
    {
        using var host = Build("unused", serveHealth: false);
        await host.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<ProbeServer>().Addresses[0] };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/healthz", Ct)).StatusCode);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task ATakenPort_IsAListenExceptionNamingTheAddress()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddBareLbHosting(o => o.Listen.Add(new ListenAddress("127.0.0.1", port)));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ListenException>(() => host.StartAsync(Ct));
        Assert.StartsWith($"cannot listen on 127.0.0.1:{port}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATimeProviderRegisteredFirst_IsKept()
    {
        var fake = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(fake);
        services.AddLogging();
        services.AddBareLbHosting(_ => { });

        using var provider = services.BuildServiceProvider();
        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
    }

    private static async Task AssertAnswersAsync(HttpClient http, string path, HttpStatusCode status, string text)
    {
        using var response = await http.GetAsync(path, Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(text, await response.Content.ReadAsStringAsync(Ct));
    }
}
