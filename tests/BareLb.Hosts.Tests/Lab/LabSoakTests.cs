using BareLb.Lab.Soak;
using BareLb.Tool.Lab.Printing;
using BareLb.Tool.Lab.Soak;

namespace BareLb.Hosts.Tests.Lab;

/// <summary><c>barelb lab soak</c>, short: a few random steps on the lab with BareLb installed, judged. Needs root; about a minute.</summary>
public sealed class LabSoakTests
{
    [Fact]
    public async Task AShortSoak_TakesStepsOfSeveralKinds_AndEveryAddressAnswers_WithNoErrorLines()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "The soak needs root (network namespaces, raw sockets); CI runs it as root.");
        using var output = new StringWriter();
        var options = new SoakOptions { Duration = TimeSpan.FromSeconds(45), Seed = 7 };

        var report = await LabSoakCommand.RunAsync(new StepPrinter(output, interactive: false, TimeProvider.System), options, "ls" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);

        var text = SoakReportWriter.Write(report);
        Assert.True(report.Actions.Count >= 4, output + text);
        Assert.True(report.Actions.Select(static a => a.Kind).Distinct().Count() >= 3, output + text);
        Assert.True(report.AddressesProbed >= 1, output + text);
        // Everything but answer conflicts must pass. Under a loaded CI machine the membership's suspicions can make two
        // speakers claim a new address within 100 ms of each other (issue #10's false alarms); the 10-minute soak on a
        // quiet machine counts them (0 in the README's run), this short one only reports them.
        Assert.True(report.Reasons.All(static r => r.Contains("two nodes answered one address", StringComparison.Ordinal)), output + text);
    }
}
