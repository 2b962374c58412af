using System.Text.RegularExpressions;
using BareLb.Lab.Namespaces;
using BareLb.Tool.Lab.Cluster;
using BareLb.Tool.Lab.Printing;
using BareLb.Tool.Lab.UpDown;
using BareLb.Testing.Support;
using BareLb.Tool.Lab.WithPackets;

namespace BareLb.Hosts.Tests.Lab;

/// <summary>
/// <c>barelb lab</c> as a user runs it, in full: the guide in network namespaces with BareLb's manifests applied by
/// kubectl, the controller and a speaker per node as processes, curl of the four dashboards from the client, and the
/// three failures of the announcing node. Needs root (network namespaces, raw sockets); about 30 s.
/// </summary>
public sealed partial class LabWithPacketsTests
{
    [Fact]
    public async Task TheGuide_ReachesEveryDashboardByCurl_AndEachFailureMovesTheAddressToAnotherNode_AndTheLabIsRemoved()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "The lab with packets needs root (network namespaces, raw sockets); CI runs it as root.");
        var ct = TestContext.Current.CancellationToken;
        using var output = new StringWriter();
        var prefix = "lt" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var run = await new GuideWithPackets(new StepPrinter(output, interactive: false, TimeProvider.System), TimeProvider.System).RunAsync(prefix, ct);

        var text = output.ToString();
        Assert.Equal(GuideDashboard.All.Count, run.Answers.Count);
        for (var i = 0; i < run.Answers.Count; i++)
        {
            var dashboard = GuideDashboard.All[i];
            Assert.Matches($"^{dashboard.Title} dashboard \\({dashboard.Namespace}/{dashboard.Name}\\) at 198\\.18\\.35\\.{dashboard.Host}:{dashboard.BrowserPort}: served by node n[123]$", run.Answers[i]);
        }

        // The guide's outputs, from the real kubectl.
        Assert.Contains("      strictARP: false", text, StringComparison.Ordinal);
        Assert.Contains("configmap/kube-proxy configured", text, StringComparison.Ordinal);
        Assert.Contains("daemonset.apps/speaker created", text, StringComparison.Ordinal);
        Assert.Contains("configmap/config created", text, StringComparison.Ordinal);
        Assert.Matches(SpeakerRunning(), text);
        Assert.Matches(ControllerRunning(), text);
        Assert.Contains("strictARP false", text, StringComparison.Ordinal); // the speaker's warning before the fix

        Assert.Equal(3, run.Failovers.Count);
        Assert.All(run.Failovers, f => Assert.NotEqual(f.From, f.To));
        Assert.All(run.Failovers, f => Assert.NotNull(f.Announced));
        // Planned: lossless. Speed is the benchmarks' business; here only that the client came back at all.
        Assert.Equal(0, run.Failovers[2].Lost);
        Assert.All(run.Failovers, f => Assert.True(f.Outage < TimeSpan.FromSeconds(5), $"{f.Failure}: {f.Outage}"));

        Assert.DoesNotContain(NetworkNamespaces.List(), n => n.StartsWith(prefix + "-", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "-*"));
    }

    [Fact]
    public async Task LabUp_LeavesTheGuidesLabRunning_ReachableAsItsUsageSays_AndLabDownRemovesIt()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "The lab with packets needs root (network namespaces, raw sockets); CI runs it as root.");
        var before = NetworkNamespaces.List().Where(static n => n.StartsWith(LabsUp.Prefix + "-", StringComparison.Ordinal)).ToList();
        var barelb = Path.Combine(AppContext.BaseDirectory, "barelb.dll");
        try
        {
            var up = await ProcessRunner.RunAsync("dotnet", [barelb, "lab", "up"], timeout: TimeSpan.FromMinutes(3));
            Assert.True(up.ExitCode == 0, up.Stdout + up.Stderr);
            var curl = UsageLine().Match(up.Stdout);
            Assert.True(curl.Success, up.Stdout);
            var answer = await ProcessRunner.RunAsync("ip", ["netns", "exec", curl.Groups["ns"].Value, "curl", "-sS", "--max-time", "5", curl.Groups["url"].Value], timeout: TimeSpan.FromSeconds(30));
            Assert.StartsWith("Kubeflow dashboard (istio-system/istio-ingressgateway) at 198.18.35.100:80: served by node n", answer.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            var down = await ProcessRunner.RunAsync("dotnet", [barelb, "lab", "down"], timeout: TimeSpan.FromMinutes(1));
            Assert.True(down.ExitCode == 0, down.Stdout + down.Stderr);
        }

        Assert.Empty(NetworkNamespaces.List().Where(static n => n.StartsWith(LabsUp.Prefix + "-", StringComparison.Ordinal)).Except(before));
        Assert.Empty(LabsUp.List());
    }

    [GeneratedRegex(@"curl:\s+sudo ip netns exec (?<ns>\S+) curl (?<url>\S+)")]
    private static partial Regex UsageLine();

    [GeneratedRegex(@"speaker-\w{5}\s+1/1\s+Running\s+0\s")]
    private static partial Regex SpeakerRunning();

    [GeneratedRegex(@"controller-\w{10}-\w{5}\s+1/1\s+Running\s+0\s")]
    private static partial Regex ControllerRunning();
}
