using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Leadership;

/// <summary>
/// Runs work only while this replica holds the Lease (KubernetesClient's LeaderElector): the work
/// starts when leadership is won and is cancelled the moment it is lost, and the replica then
/// campaigns again. Each term starts the work afresh, so a new leader rebuilds its state from the
/// cluster (for the controller: restores every address before allocating anything).
/// </summary>
internal sealed partial class LeaderElectedRunner
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private volatile bool _isLeader;

    /// <summary>Creates a runner.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public LeaderElectedRunner(IKubernetes client, LeaderElectionOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _client = client;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Whether this replica leads now.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The identity of the leader this replica last observed, itself included; null before any.</summary>
    public string? ObservedLeader { get; private set; }

    /// <summary>
    /// Whether this replica runs without leader election because its ServiceAccount may not read Leases (MetalLB's
    /// own RBAC grants its controller none: it runs one replica without election).
    /// </summary>
    public bool WithoutElection { get; private set; }

    /// <summary>
    /// Campaigns and runs <paramref name="work"/> during each term, until cancelled. When reading the Lease is
    /// forbidden (403), as under MetalLB's own manifests, it logs so once and runs <paramref name="work"/> without
    /// election, as MetalLB's controller does (it runs one replica); with two replicas both would then work.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (await LeasesForbiddenAsync(cancellationToken).ConfigureAwait(false))
        {
            WithoutElection = true;
            RunningWithoutElection(_logger, _options.Namespace, _options.LeaseName);
            _isLeader = true;
            ObservedLeader = _options.Identity;
            try
            {
                await work(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _isLeader = false;
            }

            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            using var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(_client, _options.Namespace, _options.LeaseName, _options.Identity))
            {
                LeaseDuration = _options.LeaseDuration,
                RenewDeadline = _options.RenewDeadline,
                RetryPeriod = _options.RetryPeriod,
            });
            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? running = null;
            elector.OnStartedLeading += () =>
            {
                _isLeader = true;
                Leading(_logger, _options.Identity, _options.Namespace, _options.LeaseName);
                running = Task.Run(() => work(term.Token), CancellationToken.None);
            };
            elector.OnNewLeader += leader => ObservedLeader = leader;
            elector.OnStoppedLeading += () =>
            {
                _isLeader = false;
                term.Cancel();
            };

            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ElectionFailed(_logger, e);
                await Task.Delay(_options.RetryPeriod, cancellationToken).ConfigureAwait(false);
            }

            _isLeader = false;
            await term.CancelAsync().ConfigureAwait(false);
            if (running is not null)
            {
                try
                {
                    await running.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The term ended.
                }
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                Lost(_logger, _options.Identity);
            }
        }
    }

    // One read of the Lease before campaigning: 403 means this ServiceAccount has no Lease permission at all.
    private async Task<bool> LeasesForbiddenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            return true;
        }
        catch (HttpOperationException)
        {
            return false; // absent (404) or a passing failure: the election itself deals with it
        }
    }

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Reading the Lease {Namespace}/{Lease} is forbidden to this ServiceAccount (MetalLB's RBAC grants none); running without leader election, as MetalLB's controller does: run one replica")]
    private static partial void RunningWithoutElection(ILogger logger, string @namespace, string lease);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{Identity} leads (Lease {Namespace}/{Lease})")]
    private static partial void Leading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "{Identity} lost the lease; campaigning again")]
    private static partial void Lost(ILogger logger, string identity);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Leader election failed; retrying")]
    private static partial void ElectionFailed(ILogger logger, Exception exception);
}
