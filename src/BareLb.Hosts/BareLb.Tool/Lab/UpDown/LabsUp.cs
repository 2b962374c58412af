using System.Globalization;

namespace BareLb.Tool.Lab.UpDown;

/// <summary>
/// Where labs left running by <c>barelb lab up</c> are recorded: a directory with, per lab, its supervisor's pid
/// (<c>ID.pid</c>), its log (<c>ID.log</c>) and, once it is up, how to use it (<c>ID.ready</c>).
/// </summary>
internal static class LabsUp
{
    /// <summary>The namespace prefix of labs left running (the sweep of <c>lab down</c> is limited to it).</summary>
    public const string Prefix = "labup";

    /// <summary>The directory of the records.</summary>
    public static string Directory => Path.Combine(Path.GetTempPath(), "barelb-lab-up");

    /// <summary>The record's path of a lab and a kind (<c>pid</c>, <c>log</c>, <c>ready</c>).</summary>
    public static string File(string id, string kind) => Path.Combine(Directory, $"{id}.{kind}");

    /// <summary>The labs recorded, with their supervisors' pids (0 when the pid file is unreadable).</summary>
    public static IReadOnlyList<(string Id, int Pid)> List() => !System.IO.Directory.Exists(Directory)
        ? []
        : [.. System.IO.Directory.EnumerateFiles(Directory, "*.pid").Order(StringComparer.Ordinal).Select(static f =>
            (Path.GetFileNameWithoutExtension(f), int.TryParse(System.IO.File.ReadAllText(f).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0))];

    /// <summary>Removes a lab's records.</summary>
    public static void Forget(string id)
    {
        foreach (var kind in new[] { "pid", "ready", "log" })
        {
            System.IO.File.Delete(File(id, kind));
        }
    }
}
