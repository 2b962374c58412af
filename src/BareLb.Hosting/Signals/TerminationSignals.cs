using System.Globalization;
using System.Runtime.InteropServices;

namespace BareLb.Hosting.Signals;

/// <summary>
/// Makes SIGINT, SIGQUIT and SIGTERM reach the host even when the process was started with them
/// ignored. A process inherits ignored signals across exec (a non-interactive shell's background
/// job starts with SIGINT and SIGQUIT ignored, and so does everything such a job starts), and
/// .NET respects an inherited SIG_IGN: its PosixSignalRegistration then installs no handler, so
/// ConsoleLifetime never hears the signal and the process would keep running forever. Like
/// Go's signal.Notify in MetalLB's speaker, a BareLb host takes the signals it stops on back:
/// each that is ignored is set to SIG_DFL, which .NET then replaces with its own handler.
/// </summary>
/// <remarks>
/// Must run before anything touches <see cref="Console"/>, <see cref="System.Diagnostics.Process"/>
/// or <see cref="PosixSignalRegistration"/>: the first of those installs the runtime's SIGINT and
/// SIGQUIT handling, and records a signal that is ignored then as ignored for good.
/// </remarks>
public static partial class TerminationSignals
{
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private const int SigTerm = 15;

    /// <summary>Sets each of SIGINT, SIGQUIT and SIGTERM that is ignored back to its default; returns the ones it changed.</summary>
    public static IReadOnlyList<int> Restore()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var ignored = IgnoredMask();
        var restored = new List<int>();
        foreach (var signal in (ReadOnlySpan<int>)[SigInt, SigQuit, SigTerm])
        {
            if ((ignored & (1UL << (signal - 1))) != 0 && Signal(signal, 0 /* SIG_DFL */) != -1 /* SIG_ERR */)
            {
                restored.Add(signal);
            }
        }

        return restored;
    }

    /// <summary>The SigIgn mask of <c>/proc/self/status</c>: bit n-1 is set when signal n is ignored; 0 if it cannot be read.</summary>
    internal static ulong IgnoredMask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
        }

        return 0;
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
