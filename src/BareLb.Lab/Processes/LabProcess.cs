using System.Diagnostics;
using BareLb.Lab.Commands;

namespace BareLb.Lab.Processes;

/// <summary>
/// A program running inside a namespace (<c>ip netns exec</c>, which execs it, so the process id
/// is the program's own): its output is collected line by line with timestamps, and it is killed
/// (SIGKILL) on dispose if it still runs.
/// </summary>
public sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<OutputLine> _lines = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly string _description;
    private int _disposed;

    private LabProcess(Process process, string description, TimeProvider time)
    {
        _process = process;
        _description = description;
        _time = time;
        _process.OutputDataReceived += (_, e) => Collect(e.Data, isError: false);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, isError: true);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Raised for every line, on a thread-pool thread, after it is stored.</summary>
    public event Action<OutputLine>? LineReceived;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The lines so far, in order.</summary>
    public IReadOnlyList<OutputLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Standard output and error so far, one line each.</summary>
    public string Output => string.Join('\n', Lines.Select(l => l.Text));

    /// <summary>Starts a program inside a namespace.</summary>
    /// <param name="ns">The namespace.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Extra environment variables, or null.</param>
    /// <param name="time">The clock of the line timestamps; the system clock when null.</param>
    public static LabProcess Start(string ns, string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string[] all = ["netns", "exec", ns, file, .. arguments];
        var info = Command.StartInfo("ip", all);
        info.RedirectStandardInput = true;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var description = $"{Command.Describe(file, all[4..])} in {ns}";
        var process = Process.Start(info) ?? throw new LabException($"Cannot start {description}.");
        return new LabProcess(process, description, time ?? TimeProvider.System);
    }

    /// <summary>Writes a line to the program's standard input.</summary>
    /// <param name="line">The line.</param>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>
    /// Waits for a line matching <paramref name="match"/> (among all lines so far and those to
    /// come) and returns it; throws <see cref="LabException"/> with the output when the process
    /// exits or the time runs out first.
    /// </summary>
    /// <param name="match">The condition.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<OutputLine> WaitForLineAsync(Func<OutputLine, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new TaskCompletionSource<OutputLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(OutputLine line)
        {
            if (match(line))
            {
                found.TrySetResult(line);
            }
        }

        LineReceived += OnLine;
        try
        {
            foreach (var line in Lines)
            {
                OnLine(line);
            }

            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            var exited = _process.WaitForExitAsync(timeoutSource.Token);
            var winner = await Task.WhenAny(found.Task, exited).ConfigureAwait(false);
            if (winner == found.Task)
            {
                return await found.Task.ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return found.Task.IsCompleted
                ? await found.Task.ConfigureAwait(false)
                : throw new LabException(_process.HasExited
                    ? $"{_description} exited {_process.ExitCode} before the expected line. Output:\n{Tail()}"
                    : $"{_description} printed no expected line in {timeout.TotalSeconds:0.#} s. Output:\n{Tail()}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabException($"{_description} printed no expected line in {timeout.TotalSeconds:0.#} s. Output:\n{Tail()}");
        }
        finally
        {
            LineReceived -= OnLine;
        }
    }

    /// <summary>Sends a signal (see <see cref="Signals"/>); returns false when the process is gone.</summary>
    /// <param name="signal">The signal number.</param>
    public bool Signal(int signal) => !_process.HasExited && Signals.Send(_process.Id, signal);

    /// <summary>Waits for the process to exit; returns false if it still runs after <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait.</param>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        _process.WaitForExit();
        return true;
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="grace"/>, then SIGKILL; returns the exit code.</summary>
    /// <param name="grace">How long to wait after SIGTERM.</param>
    public int Stop(TimeSpan grace)
    {
        Signal(Signals.Terminate);
        if (!WaitForExit(grace))
        {
            Kill();
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL) and waits for it.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.Kill);
        }

        _process.WaitForExit();
    }

    /// <summary>The last 40 lines.</summary>
    public string Tail() => string.Join('\n', Lines.TakeLast(40).Select(l => l.Text));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Collect(string? text, bool isError)
    {
        if (text is null)
        {
            return;
        }

        var line = new OutputLine(_time.GetUtcNow(), text, isError);
        lock (_gate)
        {
            _lines.Add(line);
        }

        LineReceived?.Invoke(line);
    }
}
