using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BareLb.Benchmarks.Harness;
using BareLb.Kube.Configuration;
using BareLb.Kube.Testing;
using BareLb.Lab.Processes;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Benchmarks.Footprint;

/// <summary>
/// Resident memory and idle CPU of the Kubernetes speaker (<c>barelb-speaker</c> with no subcommand) as a real process
/// against the emulator, without membership (no <c>--ml-bindaddr</c>): idle with no Service, then with N LoadBalancer
/// Services that have addresses and a ready endpoint on the speaker's node, each followed by an idle window. The
/// anchor (an empty generic host) is measured in the same run. Needs root: the whole measurement runs in a network
/// namespace it creates (removed at the end), whose only Ethernet devices are a veth pair it adds there, so the
/// speaker's announcements never reach the host's interfaces. Each <c>--variant LABEL=ENV=VALUE[,ENV=VALUE]</c> (or
/// <c>LABEL=@PATH</c> for another build of the speaker, such as the trimmed publish) runs the speaker once more.
///
///   sudo dotnet run -c Release --project benchmarks/BareLb.Benchmarks -- footprint-speaker [--services N] [--idle-seconds S] [--warmup-seconds W] [--speaker PATH] [--variant ...]
/// </summary>
internal static class SpeakerFootprint
{
    private const string Node = "n1";

    public static async Task<int> RunAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Console.Error.WriteLine("footprint-speaker: needs root on Linux (it creates a network namespace)");
            return 1;
        }

        var ns = "barelb-fp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Ip("netns", "add", ns);
        try
        {
            Ip("-n", ns, "link", "set", "lo", "up");
            Ip("-n", ns, "link", "add", "fp0", "type", "veth", "peer", "name", "fp1");
            Ip("-n", ns, "addr", "add", "198.18.32.1/20", "dev", "fp0");
            Ip("-n", ns, "link", "set", "fp0", "up");
            Ip("-n", ns, "link", "set", "fp1", "up");
            var info = new ProcessStartInfo("ip") { UseShellExecute = false };
            foreach (var a in (string[])["netns", "exec", ns, Environment.ProcessPath!, .. AssemblyArguments(), "footprint-speaker-inner", .. args])
            {
                info.ArgumentList.Add(a);
            }

            using var inner = Process.Start(info)!;

            // Interrupted (Ctrl-C, SIGTERM): stop the measurement and its processes, then remove the namespace below.
            using var interruption = new Interruption();
            try
            {
                await inner.WaitForExitAsync(interruption.Token);
                return inner.ExitCode;
            }
            catch (OperationCanceledException)
            {
                inner.Kill(entireProcessTree: true);
                await inner.WaitForExitAsync();
                Console.Error.WriteLine($"footprint-speaker: interrupted; network namespace {ns} removed");
                return 130;
            }
        }
        finally
        {
            Ip("netns", "del", ns);
        }
    }

    public static async Task<int> RunInnerAsync(string[] args)
    {
        var services = FootprintHarness.IntArgument(args, "--services", 1_000);
        var idle = TimeSpan.FromSeconds(FootprintHarness.IntArgument(args, "--idle-seconds", 30));
        var warmup = TimeSpan.FromSeconds(FootprintHarness.IntArgument(args, "--warmup-seconds", 0));
        var speaker = FootprintHarness.Argument(args, "--speaker") ?? FindSpeaker();
        var variants = new List<(string Label, string Path, Dictionary<string, string> Environment)> { ("default", speaker, []) };
        for (var i = Array.IndexOf(args, "--variant"); i >= 0 && i + 1 < args.Length; i = Array.IndexOf(args, "--variant", i + 1))
        {
            var (label, spec) = Split(args[i + 1], '=');
            variants.Add(spec.StartsWith('@')
                ? (label, spec[1..], [])
                : (label, speaker, spec.Split(',').Select(p => Split(p, '=')).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal)));
        }

        Console.WriteLine($"footprint-speaker: {services} Services, {idle.TotalSeconds:0} s idle windows after {warmup.TotalSeconds:0} s of warm-up, speaker {speaker}");
        var rows = new List<(string Name, string Memory, string Cpu, string Note)>();
        var anchor = await FootprintHarness.MeasureAnchorAsync(idle);
        rows.Add(Row("anchor: empty .NET generic host", anchor, ""));
        foreach (var (label, path, environment) in variants)
        {
            try
            {
                var (empty, full, note) = await MeasureAsync(path, environment, services, warmup, idle);
                rows.Add(Row($"barelb-speaker ({label}), no Service", empty, ""));
                rows.Add(Row($"barelb-speaker ({label}), {services} Services", full, note));
            }
            catch (Exception e) when (e is SpeakerExitedException or TimeoutException)
            {
                // A variant whose speaker does not survive (a heap limit too small, say) or never gets ready is a
                // result, not a crash.
                rows.Add(($"barelb-speaker ({label})", "failed", "-", e.Message));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| process | resident memory (anonymous + file) | idle CPU (share of one core) | announced |");
        Console.WriteLine("|---|---:|---:|---|");
        foreach (var (name, memory, cpu, note) in rows)
        {
            Console.WriteLine($"| {name} | {memory} | {cpu} | {note} |");
        }

        return 0;
    }

    private static (string, string, string, string) Row(string name, (ProcessSample End, double Cpu) m, string note) =>
        (name, string.Create(CultureInfo.InvariantCulture, $"{m.End.ResidentBytes / 1048576.0:0.0} MB ({m.End.AnonymousBytes / 1048576.0:0.0} + {m.End.FileBytes / 1048576.0:0.0})"), string.Create(CultureInfo.InvariantCulture, $"{m.Cpu * 100:0.00} %"), note);

    // Samples an idle window of the speaker; when it exits meanwhile, says so with its exit code and last error lines.
    private static async Task<(ProcessSample End, double Cpu)> IdleOrExitedAsync(Process process, StderrTail stderr, TimeSpan warmup, TimeSpan idle)
    {
        try
        {
            // Tiered compilation keeps recompiling hot methods for a while after start; a warm-up keeps that out of the window.
            await Task.Delay(warmup);
            if (!process.HasExited)
            {
                return await FootprintHarness.IdleAsync(process.Id, idle);
            }
        }
        catch (IOException) when (process.HasExited)
        {
            // /proc/<pid> vanished during the window.
        }

        process.WaitForExit();
        throw new SpeakerExitedException($"the speaker exited with code {process.ExitCode}: {stderr}");
    }

    private static async Task<((ProcessSample, double) Empty, (ProcessSample, double) Full, string Note)> MeasureAsync(
        string path, Dictionary<string, string> environment, int services, TimeSpan warmup, TimeSpan idle)
    {
        await using var server = await KubeApiServer.StartAsync();
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        using (var admin = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath)))
        {
            foreach (var name in CrdManifests.Names)
            {
                await admin.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!));
            }
        }

        server.Seed($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{Node}}}"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");
        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"default","namespace":"metallb-system"},"spec":{"addresses":["198.18.32.0/20"]}}""");
        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"L2Advertisement","metadata":{"name":"default","namespace":"metallb-system"}}""");

        var port = FootprintHarness.FreePort();
        var stderr = new StderrTail();
        using var process = Start(path, environment, stderr, "--node-name", Node, "--namespace", "metallb-system", "--kubeconfig", server.KubeconfigPath,
            "--host", "127.0.0.1", $"--port={port}", "--health-probe-port=0", "--log-level=warn");
        try
        {
            return await MeasureStartedAsync(server, process, stderr, port, services, warmup, idle);
        }
        finally
        {
            // Also when the speaker never gets ready: a speaker left behind would keep the namespace alive.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static async Task<((ProcessSample, double) Empty, (ProcessSample, double) Full, string Note)> MeasureStartedAsync(
        KubeApiServer server, Process process, StderrTail stderr, int port, int services, TimeSpan warmup, TimeSpan idle)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await FootprintHarness.WaitAsync(async () => process.HasExited || (await FootprintHarness.TryGet(http, "/readyz")) == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the speaker to be ready");
        var empty = await IdleOrExitedAsync(process, stderr, warmup, idle);

        for (var i = 0; i < services; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"svc-{i:D4}");
            var ip = string.Create(CultureInfo.InvariantCulture, $"198.18.{32 + ((i + 2) / 256)}.{(i + 2) % 256}");
            server.Seed(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "apps" },
                ["spec"] = new JsonObject { ["type"] = "LoadBalancer", ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) },
                ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip }) } },
            });
            server.Seed(new JsonObject
            {
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["kind"] = "EndpointSlice",
                ["metadata"] = new JsonObject { ["name"] = name + "-a", ["namespace"] = "apps", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = name } },
                ["addressType"] = "IPv4",
                ["endpoints"] = new JsonArray(new JsonObject
                {
                    ["addresses"] = new JsonArray("10.0.0.1"),
                    ["nodeName"] = Node,
                    ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                }),
            });
        }

        // Settled: every Service has its ServiceL2Status (the speaker decided and wrote), or a minute has passed.
        var settle = Stopwatch.StartNew();
        while (server.List("metallb.io/v1beta1", "ServiceL2Status", "metallb-system").Count < services && settle.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(250);
        }

        settle.Stop(); // reported after the idle window: the time to settle, not that plus the window
        var statuses = server.List("metallb.io/v1beta1", "ServiceL2Status", "metallb-system").Count;
        // What one scrape of /metrics allocates (two in a row), so that the idle rate leaves it out.
        var firstScrape = MetricValue(await http.GetStringAsync("/metrics"), "dotnet_gc_allocated_bytes_total");
        var allocatedBefore = MetricValue(await http.GetStringAsync("/metrics"), "dotnet_gc_allocated_bytes_total");
        var scrape = allocatedBefore - firstScrape;
        var full = await IdleOrExitedAsync(process, stderr, warmup, idle);
        var metrics = await http.GetStringAsync("/metrics");
        var idleAllocation = (MetricValue(metrics, "dotnet_gc_allocated_bytes_total") - allocatedBefore - scrape) / (warmup + idle).TotalSeconds;
        var announced = metrics.Split('\n').Count(l => l.StartsWith("metallb_speaker_announced{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        return (empty, full, $"{announced} addresses announced, {statuses} ServiceL2Status after {settle.Elapsed.TotalSeconds:0} s{GcText(metrics)}, {Math.Max(0, idleAllocation) / 1024:0} KB/s allocated while idle, {scrape / 1024:0} KB per scrape of {metrics.Length / 1024:0} KB of metrics");
    }

    /// <summary>The GC's heap after its last collection, what it has committed, and its collections so far, from the speaker's metrics.</summary>
    private static string GcText(string metrics)
    {
        double Value(string series) => MetricValue(metrics, series);
        var heap = Value("dotnet_gc_heap_size_bytes");
        var committed = Value("dotnet_gc_committed_bytes");
        var collections = string.Join('/', Enumerable.Range(0, 3).Select(g => Value($"dotnet_gc_collections_total{{generation=\"{g}\"}}")));
        return double.IsNaN(heap) ? "" : string.Create(CultureInfo.InvariantCulture, $", GC heap {heap / 1048576:0.0} MB of {committed / 1048576:0.0} MB committed, collections gen0/1/2 {collections}");
    }

    /// <summary>One series' value in a Prometheus text exposition, or NaN when it is absent.</summary>
    private static double MetricValue(string metrics, string series) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))?.Split(' ')[1] is { } text
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    private static Process Start(string path, Dictionary<string, string> environment, StderrTail stderr, params string[] arguments)
    {
        var info = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + path);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => stderr.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Ip(params string[] arguments)
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var ip = Process.Start(info)!;
        ip.WaitForExit();
        if (ip.ExitCode != 0)
        {
            throw new InvalidOperationException("ip " + string.Join(' ', arguments) + " failed");
        }
    }

    private static (string, string) Split(string text, char separator)
    {
        var i = text.IndexOf(separator, StringComparison.Ordinal);
        return i < 0 ? throw new ArgumentException($"'{text}': expected NAME{separator}VALUE") : (text[..i], text[(i + 1)..]);
    }

    private static string[] AssemblyArguments() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(SpeakerFootprint).Assembly.Location] : [];

    private static string FindSpeaker()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src/BareLb.Hosts/BareLb.Speaker/bin/Release/net10.0/barelb-speaker");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("barelb-speaker is not built: dotnet build src/BareLb.Hosts/BareLb.Speaker -c Release, or pass --speaker PATH");
    }
}
