using System.Collections.Concurrent;
using System.Diagnostics;

namespace BareLb.Hosts.Tests.Network;

/// <summary>A <c>barelb-speaker standalone</c> process run under <c>ip netns exec</c>.</summary>
internal sealed class SpeakerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ManualResetEventSlim _started = new();

    private SpeakerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string ExecutablePath { get; } = FindExecutable();

    public int Id => _process.Id;

    public string Log => string.Join('\n', _lines);

    /// <summary>When the speaker logged that it was announcing.</summary>
    public DateTime StartedAt { get; private set; }

    public static SpeakerProcess Start(string ns, params string[] arguments) => StartIgnoring(ns, null, arguments);

    /// <summary>
    /// Starts the speaker with the signals in <paramref name="ignoring"/> (shell names: "INT TERM")
    /// ignored, as a non-interactive shell's background job starts, and everything it runs.
    /// </summary>
    public static SpeakerProcess StartIgnoring(string ns, string? ignoring, params string[] arguments)
    {
        string[] command = ["ip", "netns", "exec", ns, ExecutablePath, "standalone", .. arguments];
        var process = ignoring is null
            ? Shell.Start(command[0], command[1..])
            : Shell.Start("sh", ["-c", $"trap '' {ignoring}; exec \"$@\"", "sh", .. command]);
        var speaker = new SpeakerProcess(process);
        if (!speaker._started.Wait(TimeSpan.FromSeconds(20)))
        {
            speaker.Dispose();
            throw new InvalidOperationException("The speaker did not start: " + speaker.Log);
        }

        return speaker;
    }

    /// <summary>Sends a signal and waits for the exit; returns the exit code and how long it took.</summary>
    public (int ExitCode, TimeSpan Elapsed) Stop(int signal = 15)
    {
        var before = SignalState(_process.Id);
        var watch = Stopwatch.StartNew();
        Shell.Signal(_process.Id, signal);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"The speaker did not exit {watch.Elapsed.TotalSeconds:0.0} s after signal {signal}.\n{Diagnose(before)}");
        }

        return (_process.ExitCode, watch.Elapsed);
    }

    /// <summary>
    /// What a speaker that did not exit was doing: its signal dispositions before the signal (an
    /// ignored one never reaches .NET) and now, whether it logged that it stopped, each thread's
    /// kernel state and stack, a managed stack dump if dotnet-stack is installed, and its log.
    /// </summary>
    private string Diagnose(string signalsBefore)
    {
        var pid = _process.Id;
        var report = new System.Text.StringBuilder();
        report.AppendLine($"Test runner {Environment.ProcessId}: {SignalState(Environment.ProcessId)}");
        report.AppendLine($"Speaker {pid} before the signal: {signalsBefore} (ignored among INT QUIT TERM: {IgnoredTermination(signalsBefore)})");
        report.AppendLine($"Speaker {pid} now: {SignalState(pid)}");
        var log = Log;
        report.AppendLine($"Logged 'Stopped answering': {log.Contains("Stopped answering", StringComparison.Ordinal)}; 'did not stop': {log.Contains("did not stop", StringComparison.Ordinal)}");
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task").Order(StringComparer.Ordinal))
            {
                var name = ReadProc(Path.Combine(task, "comm")).Trim();
                var state = ReadProc(Path.Combine(task, "status")).Split('\n').FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal))?.Trim();
                var wchan = ReadProc(Path.Combine(task, "wchan")).Trim();
                report.AppendLine($"  thread {Path.GetFileName(task)} '{name}' {state} wchan={wchan}");
                foreach (var frame in ReadProc(Path.Combine(task, "stack")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(6))
                {
                    report.AppendLine("      " + frame);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            report.AppendLine($"  threads: {e.Message}");
        }

        try
        {
            var stacks = Shell.Run(TimeSpan.FromSeconds(20), "dotnet-stack", "report", "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            report.AppendLine("dotnet-stack:").AppendLine(stacks.All.Trim());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException or InvalidOperationException)
        {
            report.AppendLine($"dotnet-stack: not available ({e.Message})");
        }

        report.AppendLine("Log (stdout and stderr):").Append(log);
        return report.ToString();
    }

    /// <summary>The signal lines of /proc/PID/status, e.g. "SigIgn: 0000000000000002" when SIGINT is ignored.</summary>
    internal static string SignalState(int pid)
    {
        var lines = ReadProc($"/proc/{pid}/status").Split('\n')
            .Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split([':', '\t', ' '], StringSplitOptions.RemoveEmptyEntries)));
        return string.Join("; ", lines);
    }

    /// <summary>Which of SIGINT, SIGQUIT and SIGTERM the SigIgn mask in a <see cref="SignalState"/> has; an ignored one never reaches the host.</summary>
    private static string IgnoredTermination(string state)
    {
        var field = state.Split("; ").FirstOrDefault(f => f.StartsWith("SigIgn ", StringComparison.Ordinal));
        if (field is null || !ulong.TryParse(field.AsSpan(7), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask))
        {
            return "unknown";
        }

        var names = new[] { (2, "INT"), (3, "QUIT"), (15, "TERM") }.Where(s => (mask & (1UL << (s.Item1 - 1))) != 0).Select(s => s.Item2).ToList();
        return names.Count == 0 ? "none" : string.Join(' ', names);
    }

    private static string ReadProc(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"({e.Message})";
        }
    }

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _started.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        if (line.Contains("StandaloneAnnouncer[5001]", StringComparison.Ordinal) || line.Contains("StandaloneFailover[5010]", StringComparison.Ordinal))
        {
            StartedAt = DateTime.UtcNow;
            _started.Set();
        }
    }

    private static string FindExecutable()
    {
        // tests/BareLb.Arp.Tests/bin/<Configuration>/net10.0/ -> src/BareLb.Hosts/BareLb.Speaker/bin/<Configuration>/net10.0/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "BareLb.Hosts", "BareLb.Speaker", "bin", configuration, framework, "barelb-speaker");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/BareLb.Hosts/BareLb.Speaker first.", path);
    }
}
