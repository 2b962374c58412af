using BareLb.Controller;
using BareLb.Hosting.Http;
using BareLb.Hosts.Tests.Support;
using BareLb.Kube.Client;
using BareLb.Kube.DependencyInjection;
using BareLb.Kube.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>A controller whose leader's work dies does not keep the Lease doing nothing: /healthz says so and the host exits non-zero.</summary>
public sealed class ControllerFaultTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATermThatFails_MakesHealthzSayWhy_ReleasesTheLease_AndStopsTheHostWithExitCode1()
    {
        await using var cluster = await HostCluster.StartAsync();
        var settings = new ControllerSettings
        {
            Namespace = "metallb-system",
            Identity = "faulty",
            Listen = [new ListenAddress("127.0.0.1", 0)],
            LeaseDuration = TimeSpan.FromSeconds(15),
            Kubeconfig = cluster.Server.KubeconfigPath,
            LogLevel = LogLevel.Warning,
        };
        var healthz = new HealthzAtStop();
        var exitCodeBefore = Environment.ExitCode;
        try
        {
            var exit = await ControllerHost.RunAsync(settings, services =>
            {
                services.AddSingleton(sp => new LeaderElectedControllerService(
                    sp.GetRequiredService<ApiConnection>(),
                    sp.GetRequiredService<IOptions<BareLbControllerOptions>>(),
                    sp.GetRequiredService<ControllerMetrics>(),
                    sp.GetRequiredService<ILoggerFactory>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<IHostApplicationLifetime>())
                {
                    Term = async term =>
                    {
                        await Task.Delay(200, term);
                        throw new InvalidOperationException("boom");
                    },
                });
                services.AddSingleton<IHostedService>(sp => healthz.Bind(sp.GetRequiredService<ProbeServer>()));
            }).WaitAsync(TimeSpan.FromSeconds(30), Ct);

            Assert.Equal(1, exit);
            Assert.Equal((503, "not healthy: the controller stopped: InvalidOperationException: boom"), healthz.Answer);
            Assert.True(string.IsNullOrEmpty(cluster.LeaseHolder()), $"the Lease is released, not held by {cluster.LeaseHolder()}");
        }
        finally
        {
            Environment.ExitCode = exitCodeBefore;
        }
    }

    /// <summary>Reads /healthz when the host begins to stop, while the probe server still serves.</summary>
    private sealed class HealthzAtStop : IHostedLifecycleService
    {
        private ProbeServer? _server;

        public (int Status, string Text)? Answer { get; private set; }

        public HealthzAtStop Bind(ProbeServer server)
        {
            _server = server;
            return this;
        }

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            using var http = new HttpClient { BaseAddress = _server!.Addresses[0] };
            using var answer = await http.GetAsync("/healthz", cancellationToken);
            Answer = ((int)answer.StatusCode, await answer.Content.ReadAsStringAsync(cancellationToken));
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
