namespace BareLb.Benchmarks.Failover;

/// <summary>The failures the harness injects into the node that holds the address.</summary>
internal enum FailureKind
{
    /// <summary>The machine dies: every process in the node killed (SIGKILL) and its link set down at once.</summary>
    Crash,

    /// <summary>The node's link alone set down; its processes keep running, cut off.</summary>
    LinkDown,

    /// <summary>A planned stop: SIGTERM to the announcer.</summary>
    Planned,

    /// <summary>The announcer's processes killed (SIGKILL) on a node that stays up.</summary>
    ProcessKill,
}

internal static class FailureKinds
{
    public static string Describe(this FailureKind kind) => kind switch
    {
        FailureKind.Crash => "crash: SIGKILL + link down",
        FailureKind.LinkDown => "link down",
        FailureKind.Planned => "planned: SIGTERM",
        FailureKind.ProcessKill => "SIGKILL, node up",
        _ => kind.ToString(),
    };

    public static FailureKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "crash" => FailureKind.Crash,
        "link" or "linkdown" => FailureKind.LinkDown,
        "planned" or "term" => FailureKind.Planned,
        "kill" or "processkill" => FailureKind.ProcessKill,
        _ => throw new ArgumentException($"--kinds: unknown failure '{text}' (crash, link, planned, kill)."),
    };
}
