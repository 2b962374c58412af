using System.Diagnostics;
using System.Globalization;

namespace BareLb.Membership.Tests.Support;

/// <summary>The Go agent running in a namespace: its stdout lines are collected, commands go to its stdin.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    public AgentProcess(string ns, string name, string bind, int port, string? secretFile = null)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        string[] arguments = ["netns", "exec", ns, GoAgent.RequirePath(), "-name", name, "-bind", bind, "-port", port.ToString(CultureInfo.InvariantCulture)];
        foreach (var argument in secretFile is null ? arguments : [.. arguments, "-secret-file", secretFile])
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_gate)
                {
                    _lines.Add(line);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_gate)
                {
                    Log.Add(line);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitFor(l => l.StartsWith("ready ", StringComparison.Ordinal));
    }

    /// <summary>memberlist's own log lines (stderr).</summary>
    public List<string> Log { get; } = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until a stdout line matches (polling the collected lines; fails after 20 s with the agent's output).</summary>
    public string WaitFor(Func<string, bool> match, int skip = 0)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var found = Lines.Skip(skip).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.False(_process.HasExited, "The Go agent exited: " + Describe());
            Thread.Sleep(10);
        }

        Assert.Fail("The Go agent did not print the expected line in 20 s: " + Describe());
        return string.Empty;
    }

    /// <summary>Asks the agent for its members; returns name to memberlist state (0 alive, 1 suspect, 2 dead, 3 left).</summary>
    public Dictionary<string, int> Members()
    {
        var start = Lines.Count;
        Send("members");
        WaitFor(l => l == "members-end", start);
        return Lines.Skip(start).TakeWhile(l => l != "members-end").Where(l => l.StartsWith("member ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[1], p => int.Parse(p[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Kills the agent (SIGKILL), as a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public string Describe()
    {
        lock (_gate)
        {
            return "stdout: " + string.Join(" | ", _lines) + " stderr: " + string.Join(" | ", Log.TakeLast(30));
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Send("shutdown");
                if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
