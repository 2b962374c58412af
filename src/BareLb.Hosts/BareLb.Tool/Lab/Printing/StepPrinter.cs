using System.Globalization;

namespace BareLb.Tool.Lab.Printing;

/// <summary>
/// Prints the guide as the guide shows it: a heading per step, each command after <c>$ </c> and its
/// output verbatim, notes after <c># </c>; long waits show progress (<see cref="ProgressAsync{T}"/>):
/// a spinner with the elapsed time on a terminal, one plain line when the output is not one.
/// </summary>
internal sealed class StepPrinter(TextWriter output, bool interactive, TimeProvider time)
{
    private static readonly string[] Spinner = ["|", "/", "-", "\\"];
    private static readonly TimeSpan SpinnerTick = TimeSpan.FromMilliseconds(100);
    private int _step;

    /// <summary>Where the printer writes.</summary>
    public TextWriter Output => output;

    /// <summary>A numbered heading for the next guide step, after a blank line.</summary>
    public void Step(string title)
    {
        _step++;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {_step}. {title}"));
    }

    /// <summary>A remark that is not part of the guide: each line after <c># </c>.</summary>
    public void Note(string text)
    {
        foreach (var line in Lines(text))
        {
            output.WriteLine(line.Length == 0 ? "#" : "# " + line);
        }
    }

    /// <summary>A command as a user types it: <c>$ </c> then the command; continuation lines indented.</summary>
    public void Command(string shown)
    {
        var first = true;
        foreach (var line in Lines(shown))
        {
            output.WriteLine((first ? "$ " : "  ") + line);
            first = false;
        }
    }

    /// <summary>A command's output, verbatim, ending in a newline (nothing when empty).</summary>
    public void Result(string text)
    {
        var trimmed = text.TrimEnd('\n', '\r');
        if (trimmed.Length > 0)
        {
            output.WriteLine(trimmed);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while showing <paramref name="what"/> and the elapsed time: on a terminal a
    /// spinner redrawn in place every 100 ms, then <c>what: done in 1.2 s</c>; otherwise <c>what ...</c> then
    /// <c> done in 1.2 s</c> on the same line. A failure ends the line with <c>failed after</c>.
    /// </summary>
    public async Task<T> ProgressAsync<T>(string what, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        if (!interactive)
        {
            await output.WriteAsync(what + " ...").ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        using var spinning = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var spinner = interactive ? SpinAsync(what, start, spinning.Token) : Task.CompletedTask;
        var succeeded = false;
        try
        {
            var result = await work(cancellationToken).ConfigureAwait(false);
            succeeded = true;
            return result;
        }
        finally
        {
            await spinning.CancelAsync().ConfigureAwait(false);
            await spinner.ConfigureAwait(false);
            var elapsed = Seconds(time.GetElapsedTime(start));
            var outcome = succeeded ? "done in" : "failed after";
            await output.WriteLineAsync(interactive ? $"\r{what}: {outcome} {elapsed}\u001b[K" : $" {outcome} {elapsed}").ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="ProgressAsync{T}"/> for work without a result.</summary>
    public Task ProgressAsync(string what, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
        => ProgressAsync(what, async ct =>
        {
            await work(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>A duration as the printer shows it: <c>0.4 s</c>, <c>12.3 s</c>.</summary>
    public static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private async Task SpinAsync(string what, long start, CancellationToken cancellationToken)
    {
        for (var frame = 0; !cancellationToken.IsCancellationRequested; frame++)
        {
            await output.WriteAsync($"\r{Spinner[frame % Spinner.Length]} {what} {Seconds(time.GetElapsedTime(start))}").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(SpinnerTick, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
