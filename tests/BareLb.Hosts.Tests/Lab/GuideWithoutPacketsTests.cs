using BareLb.Tool.Lab.WithoutPackets;

namespace BareLb.Hosts.Tests.Lab;

/// <summary><c>barelb lab --without-packets</c> (and the lab without root): the guide against the emulator and the controller only.</summary>
public sealed class GuideWithoutPacketsTests
{
    [Fact]
    public async Task TheGuidesFourDashboards_GetTheirLoadBalancerIPs_AndAnotherServiceTheNextFreeAddress()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await GuideWithoutPackets.RunAsync(output, error, TestContext.Current.CancellationToken));

        var text = output.ToString();
        foreach (var (name, address) in new[] { ("istio-ingressgateway", "192.168.35.100"), ("minio-service", "192.168.35.101"), ("mlflow-server-service", "192.168.35.102"), ("seldon-core-analytics-grafana", "192.168.35.103"), ("another-dashboard", "192.168.35.104") })
        {
            Assert.Matches($@"{name}\s+LoadBalancer\s+\S+\s+{address.Replace(".", "\\.", StringComparison.Ordinal)}\s", text);
        }

        Assert.Contains("pool default IPv4: 11 addresses, 5 in use, 6 available", text, StringComparison.Ordinal);
    }
}
