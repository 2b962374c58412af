using System.Runtime.InteropServices;

namespace BareLb.Benchmarks.Harness;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation instead of the runtime's exit, so that a harness stops its processes
/// and removes its network namespaces before it ends.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _interrupted = new();
    private readonly PosixSignalRegistration _onInt;
    private readonly PosixSignalRegistration _onTerm;

    public Interruption()
    {
        _onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        _onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
    }

    /// <summary>Cancelled at the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _interrupted.Token;

    public void Dispose()
    {
        _onInt.Dispose();
        _onTerm.Dispose();
        _interrupted.Dispose();
    }

    private void Interrupt(PosixSignalContext context)
    {
        context.Cancel = true;
        _interrupted.Cancel();
    }
}
