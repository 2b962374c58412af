using System.Net;
using BareLb.Kube.Testing;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BareLb.Benchmarks.ApiServer;

/// <summary>
/// How long a test waits for a fresh API server: start (with the default namespaces and the kubernetes Service
/// seeded, and the kubeconfig written) and stop. The baseline starts and stops a bare Kestrel on loopback with
/// an empty handler, the floor any in-process HTTP server pays.
/// </summary>
[MemoryDiagnoser]
public class ApiServerStartBenchmarks
{
    [Benchmark(Baseline = true)]
    public async Task BareKestrelStartStop()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        await app.StopAsync();
    }

    [Benchmark]
    public async Task ApiServerStartStop()
    {
        await using var server = await KubeApiServer.StartAsync();
    }
}
