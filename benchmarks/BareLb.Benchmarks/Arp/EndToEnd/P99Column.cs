using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BareLb.Benchmarks.Arp.EndToEnd;

/// <summary>
/// The 99th percentile of single-invocation iterations (the jobs here run one request per
/// iteration, so this is the 99th percentile of per-request latency), in microseconds.
/// </summary>
internal sealed class P99Column : IColumn
{
    public string Id => nameof(P99Column);

    public string ColumnName => "P99 [us]";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "99th percentile of per-request latency, in microseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report is null)
        {
            return "NA";
        }

        var values = report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual)
            .Select(m => m.Nanoseconds / m.Operations / 1000.0)
            .Order()
            .ToArray();
        if (values.Length == 0)
        {
            return "NA";
        }

        var index = (int)Math.Ceiling(0.99 * values.Length) - 1;
        return values[Math.Clamp(index, 0, values.Length - 1)].ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
