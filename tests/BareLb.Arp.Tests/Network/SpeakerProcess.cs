using System.Collections.Concurrent;
using System.Diagnostics;

namespace BareLb.Arp.Tests.Network;

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

    public static SpeakerProcess Start(string ns, params string[] arguments)
    {
        var process = Shell.Start("ip", ["netns", "exec", ns, ExecutablePath, "standalone", .. arguments]);
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
        var watch = Stopwatch.StartNew();
        Shell.Signal(_process.Id, signal);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException("The speaker did not exit: " + Log);
        }

        return (_process.ExitCode, watch.Elapsed);
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
        if (line.Contains("StandaloneAnnouncer[1]", StringComparison.Ordinal))
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
