using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BareLb.Benchmarks.Controller;

/// <summary>A column of the scale benchmark that shows one of the <see cref="ScaleResults"/> counts.</summary>
internal sealed class ScaleColumn(string name, string legend, Func<ScaleResults.Counts, string> format) : IColumn
{
    public string Id => $"{nameof(ScaleColumn)}.{name}";

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        ScaleResults.Get(benchmarkCase.Descriptor.WorkloadMethod.Name) is { } counts ? format(counts) : "NA";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
