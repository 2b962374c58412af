using BareLb.Arp;
using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;
using BareLb.Speaker.Kubernetes;
using BareLb.Testing.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Hosts.Tests.KubeSpeaker;

public sealed class EngineLivenessTests
{
    [Fact]
    public async Task HealthzIsHealthyWhileEveryInterfaceWorks_AndNamesTheInterfaceOnceItsTransportFailsForGood()
    {
        var link = new InMemoryLink();
        using var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(5) });
        engine.AddInterface(link.Connect("good0", MacAddress.Parse("02:00:00:00:00:01")));
        var liveness = new EngineLiveness(engine);
        Assert.Equal(HealthStatus.Healthy, (await liveness.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken)).Status);

        engine.AddInterface(new BrokenTransport());
        HealthCheckResult result = default;
        await Eventually.TrueAsync(async () =>
        {
            result = await liveness.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
            return result.Status == HealthStatus.Unhealthy;
        }, "the broken interface shows on /healthz");
        Assert.Contains("broken0", result.Description, StringComparison.Ordinal);
    }

    /// <summary>A transport whose driver fails in a way the engine does not know.</summary>
    private sealed class BrokenTransport : IFrameTransport
    {
        public string InterfaceName => "broken0";

        public MacAddress HardwareAddress => MacAddress.Parse("02:00:00:00:00:02");

        public int Receive(Span<byte> buffer, TimeSpan timeout) => throw new NotSupportedException("driver bug");

        public bool TrySend(ReadOnlySpan<byte> frame) => true;

        public void JoinMulticast(MacAddress group)
        {
        }

        public void LeaveMulticast(MacAddress group)
        {
        }

        public void Dispose()
        {
        }
    }
}
