using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing;
using BareLb.Lab.Processes;
using Microsoft.Extensions.Hosting;

namespace BareLb.Benchmarks.Footprint;

/// <summary>
/// Resident memory and CPU of barelb-controller as a real process against the emulator: idle with the guide's kind
/// of configuration and no Service, then with 1,000 LoadBalancer Services assigned, each followed by an idle
/// period whose CPU is measured. The anchor, measured in the same run, is an empty .NET generic host (this program
/// started with <c>footprint-anchor</c>): the floor any .NET process of this kind pays.
///
///   dotnet run -c Release --project benchmarks/BareLb.Benchmarks -- footprint [--services N] [--idle-seconds S] [--controller PATH]
/// </summary>
internal static class FootprintHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var services = IntArgument(args, "--services", 1_000);
        var idle = TimeSpan.FromSeconds(IntArgument(args, "--idle-seconds", 30));
        var controllerPath = Argument(args, "--controller") ?? FindController();

        Console.WriteLine($"footprint: {services} Services, {idle.TotalSeconds:0} s idle periods, controller {controllerPath}");
        var anchor = await MeasureAnchorAsync(idle);

        await using var server = await KubeApiServer.StartAsync();
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        server.Seed("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"config","namespace":"metallb-system"},
             "data":{"config":"address-pools:\n- name: default\n  protocol: layer2\n  addresses:\n  - 198.18.32.0/20\n"}}
            """);

        var port = FreePort();
        using var controller = Start(controllerPath, "--kubeconfig", server.KubeconfigPath, "--listen", $"127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitAsync(async () => (await TryGet(http, "/readyz")) == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the controller to be ready");
        var idleEmpty = await IdleAsync(controller.Id, idle);

        for (var i = 0; i < services; i++)
        {
            server.Seed(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = string.Create(CultureInfo.InvariantCulture, $"svc-{i:D4}"), ["namespace"] = "apps" },
                ["spec"] = new JsonObject { ["type"] = "LoadBalancer", ["allocateLoadBalancerNodePorts"] = false, ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
            });
        }

        await WaitAsync(
            () => Task.FromResult(server.List("v1", "Service", "apps").Count(s => s["status"]?["loadBalancer"]?["ingress"] is JsonArray { Count: > 0 }) == services),
            TimeSpan.FromMinutes(5),
            $"all {services} Services to get an address");
        var idleFull = await IdleAsync(controller.Id, idle);
        controller.Kill(entireProcessTree: true);

        Console.WriteLine();
        Console.WriteLine("| process | resident memory | idle CPU (share of one core) |");
        Console.WriteLine("|---|---:|---:|");
        Row("anchor: empty .NET generic host", anchor);
        Row("barelb-controller, configured, no Service", idleEmpty);
        Row($"barelb-controller, {services} Services assigned", idleFull);
        return 0;
    }

    /// <summary>The anchor process: a generic host that does nothing until killed.</summary>
    public static async Task<int> RunAnchorAsync()
    {
        using var host = Host.CreateApplicationBuilder().Build();
        await host.RunAsync();
        return 0;
    }

    private static void Row(string name, (ProcessSample End, double Cpu) m) =>
        Console.WriteLine($"| {name} | {m.End.ResidentBytes / 1048576.0:0.0} MB | {m.Cpu * 100:0.00} % |");

    internal static async Task<(ProcessSample End, double Cpu)> MeasureAnchorAsync(TimeSpan idle)
    {
        using var anchor = Start(Environment.ProcessPath!, [.. AssemblyArguments(), "footprint-anchor"]);
        await WaitAsync(() => Task.FromResult(ProcessSample.Of(anchor.Id).ResidentBytes > 0 && anchor.StandardOutput.Peek() >= 0), TimeSpan.FromSeconds(30), "the anchor host to start");
        var result = await IdleAsync(anchor.Id, idle);
        anchor.Kill(entireProcessTree: true);
        return result;
    }

    // When run through `dotnet benchmarks.dll`, the process path is dotnet and the assembly must be named.
    private static string[] AssemblyArguments() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(FootprintHarness).Assembly.Location] : [];

    internal static async Task<(ProcessSample End, double Cpu)> IdleAsync(int pid, TimeSpan idle)
    {
        var start = ProcessSample.Of(pid);
        await Task.Delay(idle);
        var end = ProcessSample.Of(pid);
        return (end, ProcessSample.CpuShare(start, end));
    }

    private static Process Start(string path, params string[] arguments)
    {
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + path);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {limit.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(100);
        }
    }

    internal static async Task<HttpStatusCode?> TryGet(HttpClient http, string path)
    {
        try
        {
            return (await http.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string? Argument(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static int IntArgument(string[] args, string name, int fallback) =>
        Argument(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string FindController()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src/BareLb.Hosts/BareLb.Controller/bin/Release/net10.0/barelb-controller");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("barelb-controller is not built: dotnet build src/BareLb.Hosts/BareLb.Controller -c Release, or pass --controller PATH");
    }
}
