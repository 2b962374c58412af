using System.Globalization;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// What the scale benchmark counted, per benchmark method, for its columns: the largest per-Service write
/// counts over the iterations and launches, the idle minutes' writes (one per process) and the correctness problems.
/// Each run appends a line to a file whose name the host process puts in the environment, so the columns,
/// computed in the host, see what launched processes counted.
/// </summary>
internal static class ScaleResults
{
    private const string FileVariable = "BARELB_SCALE_RESULTS";

    /// <summary>Names the results file for this process and the ones it launches; disposing deletes it.</summary>
    public static IDisposable ShareWithLaunchedProcesses()
    {
        var path = Path.Combine(Path.GetTempPath(), $"barelb-scale-{Environment.ProcessId}.txt");
        Environment.SetEnvironmentVariable(FileVariable, path);
        return new Deleting(path);
    }

    public static Counts? Get(string method)
    {
        Counts? merged = null;
        foreach (var line in Lines().Where(l => l.StartsWith(method + " ", StringComparison.Ordinal)))
        {
            var f = line.Split(' ');
            var next = new Counts(Parse(f[1]), Parse(f[2]), Parse(f[3]), f[4] == "-" ? null : long.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture));
            merged = merged is null ? next : new Counts(
                Math.Max(merged.StatusPerService, next.StatusPerService),
                Math.Max(merged.MetadataPerService, next.MetadataPerService),
                Math.Max(merged.EventsPerService, next.EventsPerService),
                merged.IdleWrites is { } a && next.IdleWrites is { } b ? Math.Max(a, b) : merged.IdleWrites ?? next.IdleWrites,
                Math.Max(merged.Problems, next.Problems));
        }

        return merged;
    }

    /// <summary>Whether this process already measured an idle minute for the method.</summary>
    public static bool HasIdleMeasurement(string method) => MeasuredIdleHere.Contains(method);

    public static void Record(string method, WriteCounter writes, long? idleWrites, int problems)
    {
        string PerService(long count) => ((double)count / ScaleWorkload.ServiceCount).ToString("F4", CultureInfo.InvariantCulture);
        if (idleWrites is not null)
        {
            MeasuredIdleHere.Add(method);
        }

        var line = string.Join(' ', method, PerService(writes.Status), PerService(writes.Metadata), PerService(writes.Events), idleWrites?.ToString(CultureInfo.InvariantCulture) ?? "-", problems.ToString(CultureInfo.InvariantCulture));
        if (Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path)
        {
            File.AppendAllLines(path, [line]);
        }
        else
        {
            InProcess.Add(line);
        }
    }

    private static readonly HashSet<string> MeasuredIdleHere = new(StringComparer.Ordinal);

    private static readonly List<string> InProcess = [];

    private static IEnumerable<string> Lines() =>
        Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } path && File.Exists(path) ? File.ReadAllLines(path) : InProcess;

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    internal sealed record Counts(double StatusPerService, double MetadataPerService, double EventsPerService, long? IdleWrites, int Problems);

    private sealed class Deleting(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }
}
