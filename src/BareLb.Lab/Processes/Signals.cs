using System.Runtime.InteropServices;

namespace BareLb.Lab;

/// <summary>POSIX signals sent to processes of a lab.</summary>
public static partial class Signals
{
    /// <summary>SIGINT.</summary>
    public const int Interrupt = 2;

    /// <summary>SIGKILL.</summary>
    public const int Kill = 9;

    /// <summary>SIGTERM.</summary>
    public const int Terminate = 15;

    /// <summary>Sends a signal; returns false when the process does not exist.</summary>
    /// <param name="pid">The process.</param>
    /// <param name="signal">The signal number.</param>
    public static bool Send(int pid, int signal) => SysKill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
