using BareLb.Membership.Options;
using BareLb.Membership.Tests.Protocol.Simulation;

namespace BareLb.Membership.Tests.Protocol;

/// <summary>
/// Simulated detection times (a killed member until every survivor sees it dead) at BareLb's
/// defaults and at memberlist's LAN defaults. Simulated time: these are properties of the
/// protocol and its timings, not of a machine. Run with
/// <c>BARELB_DETECTION_REPORT=1 dotnet test tests/BareLb.Membership.Tests -c Release --filter DetectionTimeReport</c>
/// to print the table (more runs than the default).
/// </summary>
public sealed class DetectionTimeReport(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(100)]
    public void DetectionTimeAtBareLbDefaultsIsWithin500MsAtP99(int size)
    {
        var full = Environment.GetEnvironmentVariable("BARELB_DETECTION_REPORT") == "1";
        var runs = full ? (size == 100 ? 100 : 300) : (size == 100 ? 12 : 40);
        var results = Enumerable.Range(0, runs).Select(seed => DetectionExperiment.Run(size, new MembershipOptions(), 1000 + seed)).ToList();
        Assert.All(results, r => Assert.True(r.Formed));
        Assert.All(results, r => Assert.Equal(0, r.FalseDeaths));
        Assert.All(results, r => Assert.NotNull(r.Detection));
        var (median, p99, max) = DetectionExperiment.Distribution(results.Select(r => r.Detection!.Value));
        output.WriteLine($"BareLb defaults, {size} members, {runs} runs: median {median:F0} ms, p99 {p99:F0} ms, max {max:F0} ms");
        Assert.True(p99 <= 500, $"p99 {p99} ms");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(100)]
    public void DetectionTimeAtMemberlistLANDefaults(int size)
    {
        var full = Environment.GetEnvironmentVariable("BARELB_DETECTION_REPORT") == "1";
        var runs = full ? (size == 100 ? 50 : 200) : (size == 100 ? 4 : 10);
        var results = Enumerable.Range(0, runs).Select(seed => DetectionExperiment.Run(size, MembershipOptions.MemberlistLan(), 2000 + seed)).ToList();
        Assert.All(results, r => Assert.NotNull(r.Detection));
        var (median, p99, max) = DetectionExperiment.Distribution(results.Select(r => r.Detection!.Value));
        output.WriteLine($"memberlist LAN defaults, {size} members, {runs} runs: median {median:F0} ms, p99 {p99:F0} ms, max {max:F0} ms");

        // memberlist's suspicion alone is SuspicionMult * max(1, log10 n) * 1 s.
        Assert.True(median >= 4000, $"median {median} ms");
    }
}
