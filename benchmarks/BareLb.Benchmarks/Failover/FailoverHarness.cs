using System.Globalization;
using System.Net;
using BareLb.Benchmarks.Harness;
using BareLb.Lab;
using BareLb.Lab.Capture;
using BareLb.Lab.GoMemberlist;
using BareLb.Lab.Kube;
using BareLb.Lab.Probing;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>
/// The failover benchmark (issue 10, section 5): a lab of three appliances and a client on one bridge
/// (BareLb.Lab), the client probing the announced address every 10 ms; a failure injected into the node that
/// answers for it; the client's outage (the longest gap between replies) per run, over <c>--runs</c> runs per kind,
/// with median, 99th percentile and maximum. Anchors in the same lab and run: keepalived (VRRP) at advert_int 1
/// and 0.1, and the detection time of hashicorp/memberlist as MetalLB configures it. BareLb runs twice: the standalone
/// speakers (<c>barelb</c>), and the Kubernetes speakers against the API emulator in the lab's API namespace (<c>barelb-k8s</c>).
///
///   sudo dotnet run -c Release --project benchmarks/BareLb.Benchmarks -- failover [--runs 30]
///       [--systems barelb,barelb-k8s,keepalived,keepalived-fast,memberlist] [--kinds crash,link,planned,kill]
///       [--anchor-kinds crash,link,planned,kill] [--speaker PATH]
/// </summary>
internal static class FailoverHarness
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        FailoverOptions options;
        try
        {
            options = FailoverOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("failover: " + e.Message);
            return 2;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            await Console.Error.WriteLineAsync("failover: needs root (network namespaces, raw sockets, keepalived).");
            return 1;
        }

        using var interruption = new Interruption();
        var token = interruption.Token;
        var rows = new List<ResultRow>();
        var started = DateTimeOffset.UtcNow;
        try
        {
            await RunAllAsync(options, rows, token);
        }
        catch (Exception e) when (token.IsCancellationRequested)
        {
            Console.WriteLine($"Interrupted ({e.GetType().Name}); the lab is removed. Results so far:");
        }

        ResultTable.Print(rows, options, DateTimeOffset.UtcNow - started);
        return token.IsCancellationRequested ? 130 : 0;
    }

    private static async Task RunAllAsync(FailoverOptions options, List<ResultRow> rows, CancellationToken token)
    {
        var subnet = new LabOptions().Ipv4Subnet;
        var barelbAddress = LabAddressing.Service(subnet, 0);
        var kubeAddress = LabAddressing.Service(subnet, 3);
        var api = options.Systems.Contains("barelb-k8s");
        using var lab = NetworkLab.Create(new LabOptions { Prefix = "blfb", Nodes = 3, Api = api, KubeIpvsAddresses = [barelbAddress, kubeAddress] });
        var macs = lab.Nodes.Select(n => n.Mac).ToList();
        Console.WriteLine($"Lab {lab.Id}: client {lab.RequireClient().Ipv4}, nodes {string.Join(", ", lab.Nodes.Select((n, i) => $"{n.Role} {n.Ipv4} {macs[i]}"))}");

        foreach (var system in options.Systems)
        {
            token.ThrowIfCancellationRequested();
            try
            {
                await MeasureSystemAsync(system, lab, options, macs, barelbAddress, kubeAddress, rows, token);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                Console.WriteLine($"{system} failed: {e}");
                rows.Add(ResultRow.Skipped(system, "failed: " + e.Message.Split('\n')[0]));
            }
        }
    }

    private static async Task MeasureSystemAsync(string system, NetworkLab lab, FailoverOptions options, List<string> macs, IPAddress barelbAddress, IPAddress kubeAddress, List<ResultRow> rows, CancellationToken token)
    {
        var subnet = lab.Options.Ipv4Subnet;
        {
            switch (system)
            {
                case "barelb":
                    var speaker = options.SpeakerPath ?? Tools.SpeakerPath;
                    if (Tools.SpeakerProblem(speaker) is { } problem)
                    {
                        rows.Add(ResultRow.Skipped("BareLb (defaults)", problem));
                        return;
                    }

                    using (var barelb = new BareLbSystem(lab, speaker, barelbAddress))
                    {
                        await MeasureAsync(lab, barelb, "BareLb (defaults)", options.Kinds, options, macs, rows, token);
                    }

                    break;
                case "barelb-k8s":
                    const string kubeLabel = "BareLb Kubernetes speaker (defaults)";
                    var kubeSpeaker = options.SpeakerPath ?? Tools.SpeakerPath;
                    if (Tools.KubeSpeakerProblem(kubeSpeaker) is { } kubeProblem)
                    {
                        rows.Add(ResultRow.Skipped(kubeLabel, kubeProblem));
                        return;
                    }

                    var cluster = new KubeSpeakerClusterOptions
                    {
                        ApiServer = ProgramCommand.Executable(Tools.ToolPath),
                        Speaker = ProgramCommand.Executable(kubeSpeaker),
                        CrdManifest = Tools.CrdManifestPath,
                        PoolAddresses = [kubeAddress],
                    };
                    using (var kube = new KubeSpeakerSystem(lab, cluster))
                    {
                        await MeasureAsync(lab, kube, kubeLabel, options.Kinds, options, macs, rows, token);
                    }

                    break;
                case "keepalived":
                case "keepalived-fast":
                    var fast = system == "keepalived-fast";
                    using (var keepalived = new KeepalivedSystem(lab, LabAddressing.Service(subnet, fast ? 2 : 1), fast ? 0.1 : 1, fast ? 52 : 51))
                    {
                        await MeasureAsync(lab, keepalived, keepalived.Name + (fast ? " (VRRPv3)" : ""), options.AnchorKinds, options, macs, rows, token);
                    }

                    break;
                case "memberlist":
                    var (agent, agentProblem) = GoMemberlistAgent.Find();
                    if (agent is null)
                    {
                        rows.Add(ResultRow.Skipped("memberlist (MetalLB's settings)", agentProblem!));
                        return;
                    }

                    using (var members = new MemberlistDetection(lab, agent))
                    {
                        await members.StartAsync(token);
                        foreach (var kind in options.Kinds.Where(k => k is FailureKind.Crash or FailureKind.ProcessKill))
                        {
                            var row = new ResultRow("memberlist (MetalLB's settings)", kind, "detection (both survivors)");
                            rows.Add(row);
                            for (var run = 0; run < options.Runs; run++)
                            {
                                var sample = await members.RunAsync(run % lab.Nodes.Count, kind, token);
                                row.Samples.Add(sample);
                                Progress(row, run, options.Runs, sample);
                            }
                        }
                    }

                    break;
            }
        }
    }

    private static async Task MeasureAsync(NetworkLab lab, ApplianceSystem system, string label, IReadOnlyList<FailureKind> kinds, FailoverOptions options, IReadOnlyList<string> macs, List<ResultRow> rows, CancellationToken token)
    {
        Console.WriteLine($"{label}: starting on {lab.Nodes.Count} nodes, address {system.Address}");
        await system.StartAsync(token);
        foreach (var kind in kinds)
        {
            var row = new ResultRow(label, kind, kind == FailureKind.ProcessKill ? "takeover seen by client" : "client outage");
            rows.Add(row);
            for (var run = 0; run < options.Runs; run++)
            {
                var sample = await RunOnceAsync(lab, system, kind, macs, row, token);
                row.Samples.Add(sample);
                Progress(row, run, options.Runs, sample);
            }
        }
    }

    private static void Progress(ResultRow row, int run, int runs, RunSample sample)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {row.System} | {row.Kind.Describe()} | run {run + 1}/{runs}: {sample.Measured.TotalMilliseconds:0} ms, {sample.Lost} lost{(sample.Answerers > 1 ? $", {sample.Answerers} answerers" : "")}{(sample.Recovered ? "" : ", NOT RECOVERED")}"));

    private static async Task<RunSample> RunOnceAsync(NetworkLab lab, ApplianceSystem system, FailureKind kind, IReadOnlyList<string> macs, ResultRow row, CancellationToken token)
    {
        var client = lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: token);
        using var prober = Prober.Start(client, system.Address);
        var owner = await WaitForOwnerAsync(client, prober, system.Address, macs, token);
        var host = lab.Nodes[owner];
        var ownerMac = macs[owner];
        IReadOnlyList<int> pids = kind is FailureKind.Crash or FailureKind.ProcessKill ? host.ProcessIds() : [];

        var failure = DateTimeOffset.UtcNow;
        switch (kind)
        {
            case FailureKind.Crash:
                foreach (var pid in pids)
                {
                    Signals.Send(pid, Signals.Kill);
                }

                host.SetLink(up: false);
                break;
            case FailureKind.LinkDown:
                host.SetLink(up: false);
                break;
            case FailureKind.Planned:
                system.Process(owner)?.Signal(Signals.Terminate);
                break;
            case FailureKind.ProcessKill:
                foreach (var pid in pids)
                {
                    Signals.Send(pid, Signals.Kill);
                }

                break;
        }

        RunSample sample;
        if (kind == FailureKind.ProcessKill)
        {
            var answer = await WaitForOtherAnswerAsync(capture, system.Address, failure, ownerMac, token);
            if (answer is null)
            {
                sample = new RunSample(DateTimeOffset.UtcNow - failure, prober.Report(failure, DateTimeOffset.UtcNow).Lost, Recovered: false);
            }
            else
            {
                // Ask who answers now: one MAC, the successor's, or two when the old node still claims the address.
                client.TryExec("arping", "-c", "2", "-w", "2", "-i", LabHost.Interface, system.Address.ToString());
                await Task.Delay(100, token);
                var answerers = capture.AnswerersOf(system.Address, answer.Time).Count;
                sample = new RunSample(answer.Time - failure, prober.Report(failure, DateTimeOffset.UtcNow).Lost, answerers);
            }
        }
        else
        {
            if (kind == FailureKind.Planned)
            {
                var process = system.Process(owner);
                var exited = process is null || await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(15)), token);
                if (!exited)
                {
                    row.Notes.Add("a SIGTERMed process did not exit in 15 s");
                }

                await WaitUntilAsync(() => client.Neighbour(system.Address) is { } mac && mac != ownerMac, Patience, token);
            }

            var recovered = await WaitRecoveredAsync(prober, failure, token);
            var report = prober.Report(failure, DateTimeOffset.UtcNow);
            sample = new RunSample(report.LongestGap, report.Lost, Recovered: recovered, Timeline: Around(report));
        }

        if (kind is FailureKind.Crash or FailureKind.LinkDown)
        {
            host.SetLink(up: true);
        }

        try
        {
            await system.RestoreAsync(owner, restart: kind != FailureKind.LinkDown, token);
        }
        catch (Exception e) when (e is LabException or TimeoutException && !token.IsCancellationRequested)
        {
            row.Notes.Add($"{host.Role} did not rejoin after its link came back ({e.Message.Split('\n')[0]}); restarted it");
            await system.RestoreAsync(owner, restart: true, token);
        }

        return sample;
    }

    /// <summary>The node whose MAC the client uses for the address, once the client gets every reply.</summary>
    private static async Task<int> WaitForOwnerAsync(LabHost client, Prober prober, IPAddress address, IReadOnlyList<string> macs, CancellationToken token)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var now = DateTimeOffset.UtcNow;
            if (prober.ReplyCount >= 30 && prober.Report(now.AddMilliseconds(-300), now).LongestGap < TimeSpan.FromMilliseconds(60)
                && client.Neighbour(address) is { } mac && macs.ToList().IndexOf(mac) is var index and >= 0)
            {
                return index;
            }

            await Task.Delay(20, token);
        }

        throw new TimeoutException($"Nobody answered the client steadily for {address} in {Patience.TotalSeconds:0} s.");
    }

    /// <summary>True once the client has had a reply every probe for 300 ms; false after <see cref="Patience"/>.</summary>
    private static async Task<bool> WaitRecoveredAsync(Prober prober, DateTimeOffset failure, CancellationToken token)
    {
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            if (now - failure > TimeSpan.FromMilliseconds(300) && prober.LastReply > failure
                && prober.Report(now.AddMilliseconds(-300), now).LongestGap < TimeSpan.FromMilliseconds(60))
            {
                return true;
            }

            if (now - failure > Patience)
            {
                return false;
            }

            await Task.Delay(20, token);
        }
    }

    private static async Task<NeighbourAnswer?> WaitForOtherAnswerAsync(NeighbourCapture capture, IPAddress address, DateTimeOffset since, string mac, CancellationToken token)
    {
        var deadline = since + Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (capture.Answers.FirstOrDefault(a => a.Address.Equals(address) && a.Time >= since && a.Mac != mac) is { } answer)
            {
                return answer;
            }

            await Task.Delay(5, token);
        }

        return null;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken token)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (!condition() && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(20, token);
        }
    }

    /// <summary>The timeline from 100 ms before the gap to 100 ms after it.</summary>
    private static string Around(ProbeReport report)
    {
        var start = Math.Max(0, (int)((report.GapStart - report.From).TotalMilliseconds / 10) - 10);
        var length = Math.Min(report.Timeline.Length - start, (int)(report.LongestGap.TotalMilliseconds / 10) + 20);
        return length > 0 ? report.Timeline.Substring(start, length) : string.Empty;
    }
}
