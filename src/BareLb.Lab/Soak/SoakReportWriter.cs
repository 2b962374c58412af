using System.Globalization;

namespace BareLb.Lab.Soak;

/// <summary>Writes a <see cref="SoakReport"/> as the text <c>barelb lab soak</c> prints.</summary>
public static class SoakReportWriter
{
    private const int Quoted = 5;

    /// <summary>The report as text, ending with the verdict line.</summary>
    public static string Write(SoakReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.AppendLine(c, $"soak report: seed {report.Seed}, {Minutes(report.Ended - report.Started)} of {Minutes(report.Planned)} planned, {report.Actions.Count} step(s), {report.AddressesProbed} address(es) probed every {report.ProbeInterval.TotalMilliseconds:0} ms");
        if (report.Interrupted is not null)
        {
            text.AppendLine(c, $"  ended early: {report.Interrupted}");
        }

        text.AppendLine();
        text.AppendLine("outage per kind of step (longest time any held address went without a reply, per step):");
        text.AppendLine(c, $"  {"step",-20} {"steps",6} {"followed",8} {"median",8} {"p99",8} {"max",8}");
        var outages = report.Outages;
        foreach (var kind in Enum.GetValues<SoakActionKind>())
        {
            var steps = report.Actions.Count(a => a.Kind == kind);
            if (steps == 0)
            {
                continue;
            }

            var d = outages.TryGetValue(kind, out var found) ? found : null;
            var row = d is null
                ? string.Create(c, $"  {kind,-20} {steps,6} {0,8} {"-",8} {"-",8} {"-",8}")
                : string.Create(c, $"  {kind,-20} {steps,6} {d.Count,8} {Ms(d.Median),8} {Ms(d.P99),8} {Ms(d.Max),8}");
            text.AppendLine(row);
        }

        var a = report.Appearance;
        text.AppendLine(c, $"  {"new address",-20} {a.Count,6} {a.Count,8} {Ms(a.Median),8} {Ms(a.P99),8} {Ms(a.Max),8}   (first reply after the step that assigned it)");
        text.AppendLine();
        Section(text, "answer conflicts (two MACs for one address at once, outside a hand-over)", report.Conflicts.Select(x =>
            string.Create(c, $"{x.Address}: {Name(report, x.FirstMac)} at {x.FirstTime:HH:mm:ss.fff} and {Name(report, x.SecondMac)} at {x.SecondTime:HH:mm:ss.fff}")).ToList());
        Section(text, "addresses not answering again within the failover target", report.ReachabilityViolations);
        Section(text, "new addresses that never answered", report.AppearanceViolations);
        Section(text, "steps that failed", report.FailedSteps);
        text.AppendLine();
        text.AppendLine("resident memory (start -> end):");
        foreach (var m in report.Memory)
        {
            var restarted = m.StartPid is not null && m.EndPid is not null && m.StartPid != m.EndPid ? " (restarted)" : "";
            text.AppendLine(c, $"  {m.Name,-20} {Mib(m.StartBytes),9} -> {Mib(m.EndBytes),9}  pid {Pid(m.StartPid)} -> {Pid(m.EndPid)}{restarted}");
        }

        text.AppendLine();
        text.AppendLine("logs (warnings, errors):");
        foreach (var log in report.Logs)
        {
            text.AppendLine(c, $"  {log.Process,-28} {log.Warnings,6} warning(s) {log.Errors,6} error(s)");
            foreach (var line in log.FirstLines)
            {
                text.AppendLine(c, $"      > {line}");
            }
        }

        text.AppendLine();
        var reasons = report.Reasons;
        text.AppendLine(reasons.Count == 0 ? "verdict: PASS" : "verdict: FAIL");
        foreach (var reason in reasons)
        {
            text.AppendLine(c, $"  - {reason}");
        }

        return text.ToString();
    }

    private static void Section(System.Text.StringBuilder text, string title, IReadOnlyList<string> lines)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {lines.Count}");
        foreach (var line in lines.Take(Quoted))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
        }

        if (lines.Count > Quoted)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {lines.Count - Quoted} more");
        }
    }

    private static string Name(SoakReport report, string mac) => report.MacNames.TryGetValue(mac, out var node) ? $"{node} ({mac})" : mac;

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");

    private static string Minutes(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.0} min");

    private static string Mib(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0.0} MiB") : "-";

    private static string Pid(int? pid) => pid?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
