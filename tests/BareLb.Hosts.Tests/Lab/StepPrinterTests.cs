using System.Text.RegularExpressions;
using BareLb.Hosts.Tests.Support;
using BareLb.Tool.Lab.Printing;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.Lab;

/// <summary>The lab's step printer: commands, outputs and notes as the guide shows them, and progress with and without a terminal.</summary>
public sealed class StepPrinterTests
{
    [Fact]
    public void StepsCommandsAndResults_PrintAsTheGuideShowsThem()
    {
        using var output = new StringWriter();
        var printer = new StepPrinter(output, interactive: false, TimeProvider.System);

        printer.Step("Preparation: strictARP");
        printer.Command("kubectl get configmap kube-proxy -n kube-system -o yaml | \\\ngrep strictARP");
        printer.Result("    strictARP: false\n\n");
        printer.Result("");
        printer.Note("192.168.35.x is 198.18.35.x here\n\nlast line");

        Assert.Equal(
            """

            == 1. Preparation: strictARP
            $ kubectl get configmap kube-proxy -n kube-system -o yaml | \
              grep strictARP
                strictARP: false
            # 192.168.35.x is 198.18.35.x here
            #
            # last line

            """.ReplaceLineEndings(),
            output.ToString());
    }

    [Fact]
    public async Task ProgressWithoutATerminal_IsOnePlainLine_WithTheElapsedTime()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider();
        var printer = new StepPrinter(output, interactive: false, time);

        var answer = await printer.ProgressAsync("waiting for the speakers", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(2.345));
            return Task.FromResult(42);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(42, answer);
        Assert.Equal("waiting for the speakers ... done in 2.3 s" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public async Task ProgressThatFails_SaysFailedAfter_AndRethrows()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider();
        var printer = new StepPrinter(output, interactive: false, time);

        await Assert.ThrowsAsync<TimeoutException>(() => printer.ProgressAsync("curl", _ =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromException(new TimeoutException());
        }, TestContext.Current.CancellationToken));

        Assert.Equal("curl ... failed after 1.0 s" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public async Task ProgressOnATerminal_SpinsInPlace_ThenEndsTheLineWithTheElapsedTime()
    {
        using var output = new SynchronizedStringWriter();
        var time = new FakeTimeProvider();
        var printer = new StepPrinter(output, interactive: true, time);
        var done = new TaskCompletionSource();

        var run = printer.ProgressAsync("waiting", _ => done.Task, TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => output.ToString().Contains("\r| waiting 0.0 s", StringComparison.Ordinal), "the first spinner frame");
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return output.ToString().Contains("\r/ waiting 0.", StringComparison.Ordinal);
        }, "the next spinner frame as the clock moves");
        time.Advance(TimeSpan.FromSeconds(1));
        done.SetResult();
        await run;

        Assert.Matches(new Regex("\\rwaiting: done in [0-9]+\\.[0-9] s\u001b\\[K" + Regex.Escape(Environment.NewLine) + "$"), output.ToString());
        Assert.DoesNotContain('\n', output.ToString().TrimEnd('\n', '\r'));
    }
}
