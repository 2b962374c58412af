using BareLb.Tool.Lab.Printing;

namespace BareLb.Hosts.Tests.Lab;

/// <summary>The outage timeline: buckets, rows, labels relative to the failure, and the caret at the failure.</summary>
public sealed class OutageTimelineTests
{
    private static readonly TimeSpan TenMs = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void AShortWindow_Draws10MsBuckets_AndMarksTheFailure()
    {
        var timeline = new string('|', 20) + new string('.', 30) + new string('|', 10);

        var lines = OutageTimeline.Render(timeline, TenMs, TimeSpan.FromMilliseconds(-200), "speaker killed");

        Assert.Equal(
            [
                "1 char = 10 ms: | a reply arrived, . none",
                "   -200 ms " + new string('|', 20) + new string('.', 30),
                new string(' ', 11 + 20) + "^ speaker killed",
                "    300 ms " + new string('|', 10),
            ],
            lines);
    }

    [Fact]
    public void AWindowLongerThan1Point5Seconds_Draws20MsBuckets_AnyReplyMakingABucketAnswered()
    {
        // 3 s at 10 ms: 300 characters, 150 buckets of 20 ms, three rows of 50.
        var timeline = string.Concat(Enumerable.Repeat(".|", 10)) + new string('.', 200) + new string('|', 80);

        var lines = OutageTimeline.Render(timeline, TenMs, TimeSpan.FromMilliseconds(-200), "killed");

        Assert.Equal("1 char = 20 ms: | a reply arrived, . none", lines[0]);
        Assert.Equal("   -200 ms " + new string('|', 10) + new string('.', 40), lines[1]);
        Assert.Equal(new string(' ', 11 + 10) + "^ killed", lines[2]);
        Assert.Equal("    800 ms " + new string('.', 50), lines[3]);
        Assert.Equal("   1800 ms " + new string('.', 10) + new string('|', 40), lines[4]);
        Assert.Equal(5, lines.Count);
    }

    [Fact]
    public void AVeryLongWindow_GetsWiderBuckets_SoThatItFitsTheMostRows()
    {
        var timeline = new string('.', 30_000);

        var lines = OutageTimeline.Render(timeline, TenMs, TimeSpan.Zero, "killed");

        Assert.Equal("1 char = 300 ms: | a reply arrived, . none", lines[0]);
        Assert.Equal(OutageTimeline.MaxRows + 2, lines.Count);
        Assert.Equal(new string(' ', 11) + "^ killed", lines[2]);
    }

    [Fact]
    public void AFailureOutsideTheWindow_HasNoCaret()
    {
        var lines = OutageTimeline.Render("||||", TenMs, TimeSpan.FromMilliseconds(100), "killed");

        Assert.Equal(["1 char = 10 ms: | a reply arrived, . none", "    100 ms ||||"], lines);
    }
}
