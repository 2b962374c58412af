using BareLb.Kube.Client;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Controller;
using BareLb.Kube.Leadership;
using BareLb.Kube.Metrics;
using k8s;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Kube.DependencyInjection;

/// <summary>
/// Runs leader election for the controller and, during each term, a Service controller wired to
/// the container's client, metrics, loggers and <see cref="TimeProvider"/>. When the election
/// fails for good, the failure is kept in <see cref="Failure"/> (for <c>/healthz</c>), the exit
/// code is set to 1 and the host is stopped, so that Kubernetes restarts the Pod.
/// </summary>
public sealed partial class LeaderElectedControllerService : BackgroundService
{
    private readonly ApiConnection _client;
    private readonly BareLbControllerOptions _options;
    private readonly ControllerMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private volatile ServiceController? _current;
    private volatile string? _failure;

    /// <summary>Creates the service from the container's parts.</summary>
    public LeaderElectedControllerService(ApiConnection client, IOptions<BareLbControllerOptions> options, ControllerMetrics metrics, ILoggerFactory loggerFactory, TimeProvider timeProvider, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _client = client;
        _options = options.Value;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _time = timeProvider;
        _lifetime = lifetime;
        _logger = loggerFactory.CreateLogger<LeaderElectedControllerService>();
        Leadership = new LeaderElectedRunner(
            client,
            new LeaderElectionOptions
            {
                Identity = _options.Identity,
                Namespace = _options.Namespace,
                LeaseName = _options.LeaseName,
                LeaseDuration = _options.LeaseDuration,
                RenewDeadline = _options.LeaseDuration * 2 / 3,
                RetryPeriod = _options.LeaseDuration * 2 / 15,
            },
            loggerFactory.CreateLogger<LeaderElectedRunner>(),
            timeProvider);
    }

    /// <summary>The election.</summary>
    internal LeaderElectedRunner Leadership { get; }

    /// <summary>Whether this replica leads now (always, once it runs without election because Leases are forbidden).</summary>
    public bool IsLeader => Leadership.IsLeader;

    /// <summary>The identity of the leader this replica last observed, itself included; null before any.</summary>
    public string? ObservedLeader => Leadership.ObservedLeader;

    /// <summary>This replica's identity in the Lease.</summary>
    public string Identity => _options.Identity;

    /// <summary>Whether this replica leads and its controller has synced its caches and loaded a valid configuration.</summary>
    public bool IsLeaderAndReady => Leadership.IsLeader && _current?.IsReady == true;

    /// <summary>Whether this replica leads and its controller has synced its caches but found no valid configuration yet.</summary>
    public bool IsLeaderAwaitingConfiguration => Leadership.IsLeader && _current?.IsAwaitingConfiguration == true;

    /// <summary>Why the controller stopped working for good, or null while it works.</summary>
    public string? Failure => _failure;

    /// <summary>The work of each term in place of the Service controller (tests: a term that fails).</summary>
    internal Func<CancellationToken, Task>? Term { get; init; }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Leadership.RunAsync(Term ?? RunTermAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        catch (Exception e)
        {
            _failure = $"the controller stopped: {e.GetType().Name}: {e.Message}";
            Log.Failed(_logger, e);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    private async Task RunTermAsync(CancellationToken term)
    {
        await using var host = ServiceControllerHost.Create(
            _client,
            new ServiceControllerOptions { Configuration = new ConfigurationSourceOptions { Namespace = _options.Namespace, ConfigMapName = _options.ConfigMapName } },
            loadBalancerClass: _options.LoadBalancerClass,
            metrics: _metrics,
            loggerFactory: _loggerFactory,
            timeProvider: _time);
        _current = host.Controller;
        try
        {
            await host.Controller.RunAsync(term).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // The term ended.
        }
        finally
        {
            _current = null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Critical, Message = "The controller stopped working; exiting with code 1 so that it is restarted")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
