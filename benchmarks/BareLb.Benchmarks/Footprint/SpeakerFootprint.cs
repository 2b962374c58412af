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
/// speaker's announcements never reach the host's interfaces. With <c>--members N</c> (2 or more), N speakers run
/// there as MetalLB's DaemonSet runs them on N nodes, in one membership (port 7946, keyed by a Secret, peers found
/// through their Pods; the members' addresses sit on the namespace's loopback device), and each window measures
/// them all. Each <c>--variant LABEL=ENV=VALUE[,ENV=VALUE]</c> (or
/// <c>LABEL=@PATH</c> for another build of the speaker, such as the trimmed publish) runs the speaker once more.
///
///   sudo dotnet run -c Release --project benchmarks/BareLb.Benchmarks -- footprint-speaker [--services N] [--members N] [--idle-seconds S] [--warmup-seconds W] [--speaker PATH] [--variant ...]
/// </summary>
internal static class SpeakerFootprint
{
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
            for (var i = 0; i < FootprintHarness.IntArgument(args, "--members", 0); i++)
            {
                Ip("-n", ns, "addr", "add", MemberAddress(i) + "/32", "dev", "lo");
            }
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
        var members = FootprintHarness.IntArgument(args, "--members", 0);
        var speaker = FootprintHarness.Argument(args, "--speaker") ?? FindSpeaker();
        var variants = new List<(string Label, string Path, Dictionary<string, string> Environment)> { ("default", speaker, []) };
        for (var i = Array.IndexOf(args, "--variant"); i >= 0 && i + 1 < args.Length; i = Array.IndexOf(args, "--variant", i + 1))
        {
            var (label, spec) = Split(args[i + 1], '=');
            variants.Add(spec.StartsWith('@')
                ? (label, spec[1..], [])
                : (label, speaker, spec.Split(',').Select(p => Split(p, '=')).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal)));
        }

        var cluster = members < 2 ? "one speaker, no membership" : $"{members} speakers in one membership, each row the mean of the speakers (range)";
        Console.WriteLine($"footprint-speaker: {services} Services, {idle.TotalSeconds:0} s idle windows after {warmup.TotalSeconds:0} s of warm-up, speaker {speaker}, {cluster}");
        var rows = new List<(string Name, string Memory, string Cpu, string Note)>();
        var anchor = await FootprintHarness.MeasureAnchorAsync(idle);
        rows.Add(Row("anchor: empty .NET generic host", anchor, ""));
        foreach (var (label, path, environment) in variants)
        {
            try
            {
                var (empty, full, note) = await MeasureAsync(path, environment, Math.Max(1, members), services, warmup, idle);
                var who = members < 2 ? $"barelb-speaker ({label})" : $"barelb-speaker ({label}), {members} in a membership";
                rows.Add(Row($"{who}, no Service", empty, ""));
                rows.Add(Row($"{who}, {services} Services", full, note));
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

    // Several speakers measured over the same window: the mean, and the range when there is more than one.
    private static (string, string, string, string) Row(string name, IReadOnlyList<(ProcessSample End, double Cpu)> m, string note)
    {
        if (m.Count == 1)
        {
            return Row(name, m[0], note);
        }

        var mb = m.Select(static x => x.End.ResidentBytes / 1048576.0).ToArray();
        var cpu = m.Select(static x => x.Cpu * 100).ToArray();
        return (name,
            string.Create(CultureInfo.InvariantCulture, $"{mb.Average():0.0} MB ({mb.Min():0.0} to {mb.Max():0.0})"),
            string.Create(CultureInfo.InvariantCulture, $"{cpu.Average():0.00} % ({cpu.Min():0.00} to {cpu.Max():0.00})"),
            note);
    }

    /// <summary>The memberlist address of speaker <paramref name="index"/>, on the namespace's loopback device.</summary>
    private static string MemberAddress(int index) => string.Create(CultureInfo.InvariantCulture, $"198.18.48.{index + 1}");

    private static string NodeName(int index) => string.Create(CultureInfo.InvariantCulture, $"n{index + 1}");

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

    private static async Task<(IReadOnlyList<(ProcessSample, double)> Empty, IReadOnlyList<(ProcessSample, double)> Full, string Note)> MeasureAsync(
        string path, Dictionary<string, string> environment, int speakers, int services, TimeSpan warmup, TimeSpan idle)
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

        var membership = speakers > 1;
        for (var i = 0; i < speakers; i++)
        {
            server.Seed($$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{NodeName(i)}}}"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");
            if (membership)
            {
                // The speaker Pods, as MetalLB's DaemonSet runs them: each speaker finds its peers by listing them.
                server.Seed($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"speaker-{{{NodeName(i)}}}","namespace":"metallb-system","labels":{"app":"metallb","component":"speaker"}},"spec":{"nodeName":"{{{NodeName(i)}}}","hostNetwork":true,"containers":[{"name":"speaker","image":"barelb"}]},"status":{"phase":"Running","podIP":"{{{MemberAddress(i)}}}"}}""");
            }
        }

        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"default","namespace":"metallb-system"},"spec":{"addresses":["198.18.32.0/20"]}}""");
        server.Seed("""{"apiVersion":"metallb.io/v1beta1","kind":"L2Advertisement","metadata":{"name":"default","namespace":"metallb-system"}}""");
        var secret = Directory.CreateTempSubdirectory("barelb-fp-secret-");
        await File.WriteAllTextAsync(Path.Combine(secret.FullName, "secretkey"), "a-memberlist-secret-for-the-footprint");

        var started = new List<(Process Process, StderrTail Stderr, int Port)>();
        try
        {
            for (var i = 0; i < speakers; i++)
            {
                var port = FootprintHarness.FreePort();
                var stderr = new StderrTail();
                var env = new Dictionary<string, string>(environment, StringComparer.Ordinal);
                string[] arguments = ["--node-name", NodeName(i), "--namespace", "metallb-system", "--kubeconfig", server.KubeconfigPath,
                    "--host", "127.0.0.1", $"--port={port}", "--health-probe-port=0", "--log-level=warn"];
                if (membership)
                {
                    env["METALLB_ML_BIND_ADDR"] = MemberAddress(i);
                    env["METALLB_ML_LABELS"] = "app=metallb,component=speaker";
                    env["METALLB_ML_SECRET_KEY_PATH"] = secret.FullName;
                }

                started.Add((Start(path, env, stderr, arguments), stderr, port));
            }

            return await MeasureStartedAsync(server, started, services, warmup, idle);
        }
        finally
        {
            // Also when a speaker never gets ready: a speaker left behind would keep the namespace alive.
            foreach (var (process, _, _) in started)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            }

            secret.Delete(recursive: true);
        }
    }

    private static async Task<(IReadOnlyList<(ProcessSample, double)> Empty, IReadOnlyList<(ProcessSample, double)> Full, string Note)> MeasureStartedAsync(
        KubeApiServer server, IReadOnlyList<(Process Process, StderrTail Stderr, int Port)> speakers, int services, TimeSpan warmup, TimeSpan idle)
    {
        var (process, _, port) = speakers[0];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        foreach (var (p, _, readyPort) in speakers)
        {
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{readyPort}") };
            await FootprintHarness.WaitAsync(async () => p.HasExited || (await FootprintHarness.TryGet(probe, "/readyz")) == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the speakers to be ready");
        }

        if (speakers.Count > 1)
        {
            // Every member sees every other before the first window.
            await FootprintHarness.WaitAsync(async () => process.HasExited || MetricValue(await http.GetStringAsync("/metrics"), "barelb_memberlist_members{state=\"alive\"}") >= speakers.Count, TimeSpan.FromSeconds(60), "the membership to converge");
        }

        var empty = await Task.WhenAll(speakers.Select(s => IdleOrExitedAsync(s.Process, s.Stderr, warmup, idle)));
        var emptyInterval = ProbeIntervalText(await http.GetStringAsync("/metrics"));

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
                    ["nodeName"] = NodeName(0),
                    ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                }),
            });
        }

        // Settled: every Service has its ServiceL2Status (its announcer decided and wrote), or two minutes have passed.
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
        var full = await Task.WhenAll(speakers.Select(s => IdleOrExitedAsync(s.Process, s.Stderr, warmup, idle)));
        var metrics = await http.GetStringAsync("/metrics");
        var idleAllocation = (MetricValue(metrics, "dotnet_gc_allocated_bytes_total") - allocatedBefore - scrape) / (warmup + idle).TotalSeconds;
        var announced = metrics.Split('\n').Count(l => l.StartsWith("metallb_speaker_announced{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        var who = speakers.Count > 1 ? $"{NodeName(0)}: " : "";
        var paces = speakers.Count > 1 ? $", probe interval {emptyInterval} with no Service and {ProbeIntervalText(metrics)} with them" : "";
        return (empty, full, $"{who}{announced} addresses announced, {statuses} ServiceL2Status after {settle.Elapsed.TotalSeconds:0} s{GcText(metrics)}, {Math.Max(0, idleAllocation) / 1024:0} KB/s allocated while idle, {scrape / 1024:0} KB per scrape of {metrics.Length / 1024:0} KB of metrics{paces}");
    }

    private static string ProbeIntervalText(string metrics) =>
        string.Create(CultureInfo.InvariantCulture, $"{MetricValue(metrics, "barelb_memberlist_probe_interval_seconds") * 1000:0} ms");

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
