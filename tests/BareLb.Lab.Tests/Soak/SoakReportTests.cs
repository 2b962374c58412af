using System.Net;
using BareLb.Lab.Soak;

namespace BareLb.Lab.Tests.Soak;

public sealed class SoakReportTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly IPAddress A = IPAddress.Parse("198.18.35.100");

    private static SoakReport Report(IReadOnlyList<ActionOutcome>? outcomes = null, IReadOnlyList<LogFindings>? logs = null, string? interrupted = null, IReadOnlyList<AnswerConflict>? conflicts = null)
    {
        outcomes ??= [];
        return new SoakReport
        {
            Seed = 1403,
            Planned = TimeSpan.FromMinutes(10),
            Started = T0,
            Ended = T0.AddMinutes(10),
            Interrupted = interrupted,
            Actions = [.. outcomes.Select(o => o.Action)],
            Outcomes = outcomes,
            Conflicts = conflicts ?? [],
            MacNames = new Dictionary<string, string> { ["aa:aa:aa:aa:aa:01"] = "n1" },
            Appearance = Distribution.Of([TimeSpan.FromMilliseconds(700)]),
            AppearanceViolations = [],
            AddressesProbed = 3,
            Memory = [new ProcessMemory("speaker-n1", 10, 50 << 20, 11, 60 << 20)],
            Logs = logs ?? [LogFindings.Scan("speaker-n1 (pid 10)", ["2026-12-03T18:00:00.000Z info: x", "2026-12-03T18:00:01.000Z warn: Speaker[5141] n2 suspect"])],
        };
    }

    private static ActionOutcome Outcome(int number, SoakActionKind kind, int gapMs, params string[] violations)
        => new(new SoakAction(number, kind, "step", T0.AddSeconds(number), T0.AddSeconds(number)), new Dictionary<IPAddress, TimeSpan> { [A] = TimeSpan.FromMilliseconds(gapMs) }, violations);

    [Fact]
    public void DistributionsGiveTheMedianTheNinetyNinthPercentileAndTheMaximum_ByNearestRank()
    {
        var d = Distribution.Of(Enumerable.Range(1, 200).Select(i => TimeSpan.FromMilliseconds(i)).Reverse());
        Assert.Equal((200, 100, 198, 200), (d.Count, (int)d.Median.TotalMilliseconds, (int)d.P99.TotalMilliseconds, (int)d.Max.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(7), Distribution.Of([TimeSpan.FromMilliseconds(7)]).P99);
        Assert.Equal(0, Distribution.Of([]).Count);
    }

    [Fact]
    public void ACleanSoakPasses_AndPrintsItsFiguresPerKindOfStep()
    {
        var report = Report([Outcome(1, SoakActionKind.KillSpeaker, 400), Outcome(2, SoakActionKind.KillSpeaker, 600), Outcome(3, SoakActionKind.FlapLink, 900)]);
        Assert.True(report.Passed);
        Assert.Equal(TimeSpan.FromMilliseconds(600), report.Outages[SoakActionKind.KillSpeaker].Max);
        var text = SoakReportWriter.Write(report);
        Assert.Contains("KillSpeaker               2        2   400 ms   600 ms   600 ms", text, StringComparison.Ordinal);
        Assert.Contains("speaker-n1            50.0 MiB ->  60.0 MiB  pid 10 -> 11 (restarted)", text, StringComparison.Ordinal);
        Assert.Contains("1 warning(s)", text, StringComparison.Ordinal);
        Assert.Contains("> 2026-12-03T18:00:01.000Z warn: Speaker[5141] n2 suspect", text, StringComparison.Ordinal);
        Assert.EndsWith("verdict: PASS" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBrokenRule_IsAReasonToFail()
    {
        var report = Report(
            [Outcome(1, SoakActionKind.FlapLink, 1500, "198.18.35.100 did not answer for 1500 ms")],
            [LogFindings.Scan("controller (pid 9)", ["2026-12-03T18:00:00.000Z fail: Controller[201] boom", "Unhandled exception. System.Exception: x"])],
            "Ctrl+C",
            [new AnswerConflict(A, "aa:aa:aa:aa:aa:01", T0, "aa:aa:aa:aa:aa:02", T0.AddMilliseconds(5))]);
        Assert.False(report.Passed);
        Assert.Equal(4, report.Reasons.Count);
        var text = SoakReportWriter.Write(report);
        Assert.Contains("198.18.35.100: n1 (aa:aa:aa:aa:aa:01) at", text, StringComparison.Ordinal);
        Assert.Contains("verdict: FAIL", text, StringComparison.Ordinal);
        Assert.Contains("  - 2 error line(s) in the processes' logs (controller (pid 9))", text, StringComparison.Ordinal);
        Assert.Contains("  - interrupted: Ctrl+C", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-03T18:00:00.000Z info: Speaker[401] hello", 0)]
    [InlineData("2026-12-03T18:00:00.000Z warn: Speaker[401] careful", 1)]
    [InlineData("2026-12-03T18:00:00.000Z fail: Speaker[401] broken", 2)]
    [InlineData("crit: Speaker[401] dead", 2)]
    [InlineData("Unhandled exception. System.InvalidOperationException: x", 2)]
    [InlineData("a line that mentions fail: in passing", 0)]
    public void LogLinesAreClassedByTheConsoleLoggersLevel(string line, int level) => Assert.Equal(level, LogFindings.LevelOf(line));

    [Fact]
    public void ResidentMemoryIsReadFromProc()
    {
        Assert.Equal(123456, ProcessMemory.ParseKilobytes("\t   123456 kB"));
        Assert.Null(ProcessMemory.ParseKilobytes("12 MB"));
        Assert.True(ProcessMemory.Resident(Environment.ProcessId) > 1 << 20);
    }
}
