using System.Runtime.InteropServices;

namespace BareLb.Tool.Lab;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation, so that a lab run unwinds through its clean-up
/// (the lab's namespaces are removed) before the process exits; the exit code is then 130, as a shell
/// reports a command ended by Ctrl+C.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>The exit code after an interruption (128 + SIGINT).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public Interruption(CancellationToken outer)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
    }

    /// <summary>Cancelled on SIGINT, SIGTERM or when the outer token is.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether the run was interrupted.</summary>
    public bool Interrupted => _cancel.IsCancellationRequested;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cancel.Dispose();
    }

    private void Interrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancel.Cancel();
    }
}
