using System.Collections.Concurrent;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// What the scale benchmark counted, per benchmark method, for its columns: the largest per-Service write
/// counts over the iterations, the idle minute's writes and the correctness problems. The benchmarks run
/// in-process, so the columns read this directly.
/// </summary>
internal static class ScaleResults
{
    private static readonly ConcurrentDictionary<string, Counts> ByMethod = new(StringComparer.Ordinal);

    public static Counts? Get(string method) => ByMethod.GetValueOrDefault(method);

    public static bool HasIdleMeasurement(string method) => Get(method)?.IdleWrites is not null;

    public static void Record(string method, WriteCounter writes, long? idleWrites, int problems)
    {
        double PerService(long count) => (double)count / ScaleWorkload.ServiceCount;
        ByMethod.AddOrUpdate(
            method,
            _ => new Counts(PerService(writes.Status), PerService(writes.Metadata), PerService(writes.Events), idleWrites, problems),
            (_, old) => new Counts(
                Math.Max(old.StatusPerService, PerService(writes.Status)),
                Math.Max(old.MetadataPerService, PerService(writes.Metadata)),
                Math.Max(old.EventsPerService, PerService(writes.Events)),
                old.IdleWrites ?? idleWrites,
                Math.Max(old.Problems, problems)));
    }

    internal sealed record Counts(double StatusPerService, double MetadataPerService, double EventsPerService, long? IdleWrites, int Problems);
}
