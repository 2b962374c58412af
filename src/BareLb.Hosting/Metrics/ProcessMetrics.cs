using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BareLb.Hosting.Metrics;

/// <summary>
/// The process's own series, under the names Prometheus client libraries give them (MetalLB's speaker exports them
/// through Go's client, and dashboards read <c>process_resident_memory_bytes</c> and <c>process_cpu_seconds_total</c>),
/// plus the .NET garbage collector's heap: what an operator needs to see that a speaker on every node stays small.
/// </summary>
public sealed class ProcessMetrics
{
    /// <summary>The meter's name; <see cref="HostingServiceCollectionExtensions.AddBareLbHosting"/> always exports it.</summary>
    public const string MeterName = "BareLb.Process";

    private static readonly double StartTime = (Process.GetCurrentProcess().StartTime.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>.</summary>
    public ProcessMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("process_resident_memory_bytes", () => Environment.WorkingSet, description: "Resident memory size in bytes.");
        meter.CreateObservableCounter("process_cpu_seconds_total", () => Environment.CpuUsage.TotalTime.TotalSeconds, description: "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge("process_start_time_seconds", () => StartTime, description: "Start time of the process since unix epoch in seconds.");
        meter.CreateObservableGauge("process_open_fds", OpenFileDescriptors, description: "Number of open file descriptors.");
        meter.CreateObservableGauge("dotnet_gc_heap_size_bytes", () => GC.GetGCMemoryInfo().HeapSizeBytes, description: "Size of the garbage-collected heap after the last collection, in bytes.");
        meter.CreateObservableGauge("dotnet_gc_committed_bytes", () => GC.GetGCMemoryInfo().TotalCommittedBytes, description: "Memory the garbage collector has committed, in bytes.");
        meter.CreateObservableCounter("dotnet_gc_allocated_bytes_total", () => GC.GetTotalAllocatedBytes(), description: "Bytes allocated on the garbage-collected heap since the process started.");
        meter.CreateObservableCounter("dotnet_gc_collections_total", Collections, description: "Garbage collections since the process started, by generation.");
    }

    private static IEnumerable<Measurement<long>> Collections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static int OpenFileDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
