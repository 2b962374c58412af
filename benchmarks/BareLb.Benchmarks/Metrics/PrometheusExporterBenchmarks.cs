using System.Diagnostics.Metrics;
using BareLb.Hosting;
using BareLb.Hosting.Http;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace BareLb.Benchmarks.Metrics;

/// <summary>
/// One scrape of <c>/metrics</c> over HTTP on loopback, with the speaker's series (three observable
/// counters per announced address, plus drops per reason): BareLb.Hosting's own Prometheus text
/// exporter against OpenTelemetry's Prometheus exporter for ASP.NET Core (the anchor, configured
/// to keep the metric names as they are and not to cache responses), both on Kestrel, in the
/// same run. Time and allocation are per scrape, both sides of the connection included.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 12)]
public class PrometheusExporterBenchmarks
{
    private readonly List<IHost> _hosts = [];
    private readonly List<Meter> _meters = [];
    private HttpClient _barelb = null!;
    private HttpClient _openTelemetry = null!;

    /// <summary>Announced addresses, each three series.</summary>
    [Params(100, 1_000)]
    public int Addresses { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _barelb = StartBareLb();
        _openTelemetry = StartOpenTelemetry();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _barelb.Dispose();
        _openTelemetry.Dispose();
        foreach (var host in _hosts)
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        }

        _meters.ForEach(m => m.Dispose());
    }

    [Benchmark(Baseline = true, Description = "OpenTelemetry Prometheus exporter (anchor)")]
    public int OpenTelemetryScrape() => _openTelemetry.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult().Length;

    [Benchmark(Description = "BareLb.Hosting PrometheusTextExporter")]
    public int BareLbScrape() => _barelb.GetStringAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult().Length;

    private HttpClient StartBareLb()
    {
        var meterName = "Bench.BareLb";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddBareLbHosting(o =>
        {
            o.Listen.Add(new ListenAddress("127.0.0.1", 0));
            o.MeterNames.Add(meterName);
        });
        var host = builder.Build();
        CreateInstruments(meterName);
        host.StartAsync().GetAwaiter().GetResult();
        _hosts.Add(host);
        return new HttpClient { BaseAddress = host.Services.GetRequiredService<ProbeServer>().Addresses[0] };
    }

    private HttpClient StartOpenTelemetry()
    {
        var meterName = "Bench.OpenTelemetry";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(meterName).AddPrometheusExporter(o =>
        {
            o.ScrapeResponseCacheDurationMilliseconds = 0;
            o.DisableTotalNameSuffixForCounters = true;
        }));
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint();
        CreateInstruments(meterName);
        app.StartAsync().GetAwaiter().GetResult();
        _hosts.Add(app);
        return new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    private void CreateInstruments(string meterName)
    {
        var meter = new Meter(meterName);
        _meters.Add(meter);
        var addresses = Enumerable.Range(0, Addresses).Select(i => $"198.18.{i / 250}.{(i % 250) + 1}").ToArray();
        foreach (var name in new[] { "metallb_layer2_requests_received", "metallb_layer2_responses_sent", "metallb_layer2_gratuitous_sent" })
        {
            meter.CreateObservableCounter(name, () => Measure(addresses), "{frame}", "frames for owned IPs");
        }

        meter.CreateObservableCounter("barelb_layer2_frames_dropped_total", () => new Measurement<long>(42, new KeyValuePair<string, object?>("interface", "eth0"), new KeyValuePair<string, object?>("reason", "not_announced")));
    }

    private static List<Measurement<long>> Measure(string[] addresses)
    {
        var measurements = new List<Measurement<long>>(addresses.Length);
        for (var i = 0; i < addresses.Length; i++)
        {
            measurements.Add(new Measurement<long>(
                i,
                new KeyValuePair<string, object?>("interface", "eth0"),
                new KeyValuePair<string, object?>("protocol", "arp"),
                new KeyValuePair<string, object?>("ip", addresses[i])));
        }

        return measurements;
    }
}
