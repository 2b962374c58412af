using System.Diagnostics;
using System.Globalization;
using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Metrics;
using BareLb.Kube.Testing;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using k8s;
using k8s.Models;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// Issue #4's scale target against the emulator: 10,000 Services and 50 pools (<see cref="ScaleWorkload"/>)
/// from a cold start, with metrics on as in barelb-controller. Each iteration seeds a fresh API server (not
/// timed), then times the controller from its start until every Service shows an address in
/// status.loadBalancer.ingress. Afterwards (not timed) it waits for the writes to stop, counts them per
/// Service as they left the client, checks the outcome (addresses, pools, sharing) and, on the first
/// iteration, idles a full minute in which there must be no write at all. The anchor, measured in the same
/// run on the same seeded server, is the floor of any controller: one LIST of all Services and 10,000
/// sequential status PATCHes by a plain client.
/// </summary>
[Config(typeof(Config))]
[ColdStartRuns]
public class ControllerScaleBenchmarks
{
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromMinutes(1);

    private KubeApiServer _server = null!;
    private WriteCounter _writes = null!;
    private Kubernetes _client = null!;
    private PlainMeterFactory _meters = null!;
    private ControllerMetrics _metrics = null!;
    private ServiceControllerHost? _host;
    private Task? _run;
    private CancellationTokenSource _stop = null!;

    [IterationSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [IterationCleanup(Target = nameof(AnchorListAndPatchEveryStatus))]
    public void CleanupAnchor() => StopAsync().GetAwaiter().GetResult();

    [IterationCleanup(Target = nameof(ControllerColdStart))]
    public void CleanupController() => FinishControllerAsync().GetAwaiter().GetResult();

    /// <summary>The anchor: one LIST of all Services, then 10,000 sequential status PATCHes.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> AnchorListAndPatchEveryStatus()
    {
        var list = await _client.CoreV1.ListServiceForAllNamespacesAsync();
        var n = 0;
        foreach (var service in list.Items.Where(s => s.Spec.Type == "LoadBalancer"))
        {
            var ip = string.Create(CultureInfo.InvariantCulture, $"198.19.{n / 250}.{n % 250}");
            var body = """{"status":{"loadBalancer":{"ingress":[{"ip":"IP","ipMode":"VIP"}]}}}""".Replace("IP", ip, StringComparison.Ordinal);
            await _client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), service.Metadata.Name, service.Metadata.NamespaceProperty);
            n++;
        }

        await _writes.AllAddressed.WaitAsync(ConvergeTimeout);
        ScaleResults.Record(nameof(AnchorListAndPatchEveryStatus), _writes, idleWrites: null, problems: 0);
        return n;
    }

    /// <summary>The controller from a cold start until every Service shows an address.</summary>
    [Benchmark]
    public async Task ControllerColdStart()
    {
        _host = ServiceControllerHost.Create(ApiConnection.Of(_client), metrics: _metrics);
        _run = Task.Run(() => _host.Controller.RunAsync(_stop.Token));
        var all = await Task.WhenAny(_writes.AllAddressed, _run, Task.Delay(ConvergeTimeout));
        if (all == _run)
        {
            await _run; // the controller stopped: surface why
        }

        if (all != _writes.AllAddressed)
        {
            throw new TimeoutException(Describe($"not converged after {ConvergeTimeout}"));
        }
    }

    private async Task SetupAsync()
    {
        _server = await KubeApiServer.StartAsync(new KubeApiServerOptions { WatchHistoryCapacity = 200_000 });
        ScaleWorkload.Seed(_server);
        _writes = new WriteCounter(ScaleWorkload.ServiceCount);
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.KubeconfigPath), _writes);
        _stop = new CancellationTokenSource();
        _meters = new PlainMeterFactory();
        _metrics = new ControllerMetrics(_meters);
        _host = null;
        _run = null;
    }

    private async Task FinishControllerAsync()
    {
        try
        {
            await WaitForQuietAsync();
            var converged = ScaleWorkload.CountWithAddress(_server);
            long? idle = null;
            if (!ScaleResults.HasIdleMeasurement(nameof(ControllerColdStart)))
            {
                var before = _writes.Total;
                await Task.Delay(IdlePeriod);
                idle = _writes.Total - before;
            }

            var problems = ScaleWorkload.Check(_server);
            ScaleResults.Record(nameof(ControllerColdStart), _writes, idle, problems.Count);
            Console.WriteLine(Describe($"// controller: {converged} Services with an address; idle {IdlePeriod.TotalSeconds:F0} s writes: {idle?.ToString(CultureInfo.InvariantCulture) ?? "not measured"}; problems: {problems.Count}"));
            foreach (var problem in problems.Take(20))
            {
                Console.WriteLine($"//   {problem}");
            }
        }
        finally
        {
            await StopAsync();
        }
    }

    // Waits until no write has left the client for a few seconds, so trailing writes are counted too.
    private async Task WaitForQuietAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ConvergeTimeout && Environment.TickCount64 - _writes.LastWriteTicks < Quiet.TotalMilliseconds)
        {
            await Task.Delay(200);
        }
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _client.Dispose();
        _metrics.Dispose();
        _meters.Dispose();
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    private string Describe(string what) => string.Create(CultureInfo.InvariantCulture,
        $"{what}; writes per Service: status {(double)_writes.Status / ScaleWorkload.ServiceCount:F3}, metadata {(double)_writes.Metadata / ScaleWorkload.ServiceCount:F3}, events {(double)_writes.Events / ScaleWorkload.ServiceCount:F3}, other {_writes.Other}");

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(
                new ScaleColumn("Status/Svc", "status-subresource writes per Service (largest over the iterations)", r => r.StatusPerService.ToString("F3", CultureInfo.InvariantCulture)),
                new ScaleColumn("Meta/Svc", "metadata (annotation) writes per Service (largest over the iterations)", r => r.MetadataPerService.ToString("F3", CultureInfo.InvariantCulture)),
                new ScaleColumn("Events/Svc", "events created per Service (largest over the iterations)", r => r.EventsPerService.ToString("F3", CultureInfo.InvariantCulture)),
                new ScaleColumn("Idle60sWrites", "writes in an idle minute after convergence (largest over the launches; one minute per process)", r => r.IdleWrites?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                new ScaleColumn("Problems", "correctness problems found after convergence (largest over the iterations)", r => r.Problems.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
