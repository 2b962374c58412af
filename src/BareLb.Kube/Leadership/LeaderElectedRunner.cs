using System.Net;
using System.Runtime.ExceptionServices;
using BareLb.Kube.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Leadership;

/// <summary>
/// Runs work only while this replica holds the Lease (<see cref="LeaseElector"/>): the work
/// starts when leadership is won and is cancelled the moment it is lost, and the replica then
/// campaigns again. Each term starts the work afresh, so a new leader rebuilds its state from the
/// cluster (for the controller: restores every address before allocating anything).
/// </summary>
/// <remarks>
/// A term whose work ends while this replica still leads (it threw, or returned on its own) is a dead
/// worker, not a reason to keep renewing the Lease: the failure is logged, the election stops, the Lease
/// is released (so another replica takes over at once, not after the Lease expires) and
/// <see cref="RunAsync"/> ends with the work's exception, for the host to exit non-zero, as a
/// controller-runtime manager does. Errors of the election itself (the Lease's namespace missing, the API
/// server unreachable) are logged once per distinct cause and retried every <see cref="LeaderElectionOptions.RetryPeriod"/>.
/// </remarks>
internal sealed partial class LeaderElectedRunner
{
    private readonly ApiConnection _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile bool _isLeader;
    private string? _lastElectionError;

    /// <summary>Creates a runner; its waits and the Lease times it writes on release run on <paramref name="timeProvider"/> (the system clock by default).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public LeaderElectedRunner(ApiConnection client, LeaderElectionOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
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
        _time = timeProvider ?? TimeProvider.System;
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
    /// Campaigns and runs <paramref name="work"/> during each term, until cancelled. Ends with the work's exception
    /// (after releasing the Lease) when a term's work fails or returns while this replica leads. When reading the
    /// Lease is forbidden (403), as under MetalLB's own manifests, it logs so once and runs <paramref name="work"/>
    /// without election, as MetalLB's controller does (it runs one replica); with two replicas both would then work.
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
            var elector = new LeaseElector(_client, _options, _time);
            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var election = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
            elector.OnStartedLeading += () =>
            {
                _isLeader = true;
                _lastElectionError = null;
                Leading(_logger, _options.Identity, _options.Namespace, _options.LeaseName);
                started.TrySetResult(Task.Run(() => work(term.Token), CancellationToken.None));
            };
            elector.OnNewLeader += leader => ObservedLeader = leader;
            elector.OnStoppedLeading += () =>
            {
                _isLeader = false;
                term.Cancel();
            };
            elector.OnError += ElectionError;

            var electing = ElectAsync(elector, election.Token, cancellationToken);
            Exception? fault = null;
            if (await Task.WhenAny(electing, started.Task).ConfigureAwait(false) == started.Task)
            {
                var running = started.Task.Result;
                if (await Task.WhenAny(electing, running).ConfigureAwait(false) == running && !term.IsCancellationRequested)
                {
                    // The work died while this replica leads: stop renewing rather than hold the Lease doing nothing.
                    fault = running.Exception?.GetBaseException()
                        ?? new InvalidOperationException($"the leader's work ended while {_options.Identity} led, without being asked to stop");
                    TermFailed(_logger, _options.Identity, fault);
                    await election.CancelAsync().ConfigureAwait(false);
                }
            }

            await electing.ConfigureAwait(false);
            _isLeader = false;
            await term.CancelAsync().ConfigureAwait(false);
            if (started.Task.IsCompleted)
            {
                try
                {
                    await started.Task.Result.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (fault is null)
                {
                    // The term ended.
                }
                catch (Exception e) when (fault is null)
                {
                    // The work failed as the term ended (after leadership was lost): log it and campaign again.
                    TermFailed(_logger, _options.Identity, e);
                }
                catch (Exception) when (fault is not null)
                {
                    // Already logged; rethrown below.
                }
            }

            if (fault is not null)
            {
                await ReleaseAsync().ConfigureAwait(false);
                ExceptionDispatchInfo.Capture(fault).Throw();
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                Lost(_logger, _options.Identity);
            }
        }
    }

    // Runs one election until leadership is lost or it is stopped; a failed election is logged and retried after RetryPeriod.
    private async Task ElectAsync(LeaseElector elector, CancellationToken election, CancellationToken cancellationToken)
    {
        try
        {
            await elector.RunUntilLeadershipLostAsync(election).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (election.IsCancellationRequested)
        {
            // Stopping, or the work died.
        }
        catch (Exception e)
        {
            ElectionFailed(_logger, e);
            try
            {
                await Task.Delay(_options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    // The elector retries a failed Lease read or write every RetryPeriod and reports each failure here. Say it once per distinct cause (not every RetryPeriod), and name
    // the likely fix for a missing namespace. A Lease not found is no error: it is created next.
    private void ElectionError(Exception e)
    {
        var notFound = e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };
        var missingNamespace = notFound && ((HttpOperationException)e).Response.Content?.Contains("namespaces", StringComparison.Ordinal) == true;
        if (notFound && !missingNamespace)
        {
            return;
        }

        var cause = missingNamespace ? "namespace" : $"{e.GetType().Name}: {e.Message}";
        if (string.Equals(Interlocked.Exchange(ref _lastElectionError, cause), cause, StringComparison.Ordinal))
        {
            return;
        }

        if (missingNamespace)
        {
            NamespaceMissing(_logger, _options.Namespace, _options.LeaseName, _options.RetryPeriod);
        }
        else
        {
            LeaseError(_logger, _options.Namespace, _options.LeaseName, _options.RetryPeriod, e);
        }
    }

    // Gives the Lease up if this replica still holds it: no holder, and a one-second duration, so a candidate takes it at once.
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
        try
        {
            var lease = await KubeApi.GetAsync<V1Lease>(_client, _options.LeasePath, timeout.Token).ConfigureAwait(false);
            if (lease.Spec is null || !string.Equals(lease.Spec.HolderIdentity, _options.Identity, StringComparison.Ordinal))
            {
                return;
            }

            var now = _time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = ""; // empty: any candidate takes it over at once (client-go's electors do too)
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            await KubeApi.ReplaceAsync(_client, _options.LeasePath, lease, timeout.Token).ConfigureAwait(false);
            Released(_logger, _options.Identity, _options.Namespace, _options.LeaseName);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            ReleaseFailed(_logger, _options.Namespace, _options.LeaseName, e);
        }
    }

    // One read of the Lease before campaigning: 403 means this ServiceAccount has no Lease permission at all.
    private async Task<bool> LeasesForbiddenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await KubeApi.GetAsync<V1Lease>(_client, _options.LeasePath, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Reading the Lease {Namespace}/{Lease} is forbidden to this ServiceAccount (MetalLB's RBAC grants none); running without leader election, as MetalLB's controller does: run one replica")]
    private static partial void RunningWithoutElection(ILogger logger, string @namespace, string lease);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{Identity} leads (Lease {Namespace}/{Lease})")]
    private static partial void Leading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "{Identity} lost the lease; campaigning again")]
    private static partial void Lost(ILogger logger, string identity);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Leader election failed; retrying")]
    private static partial void ElectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "The Lease {Namespace}/{Lease} cannot be created: namespace {Namespace} does not exist (create it, or pass the namespace the controller runs in); retrying every {RetryPeriod}")]
    private static partial void NamespaceMissing(ILogger logger, string @namespace, string lease, TimeSpan retryPeriod);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Reading or writing the Lease {Namespace}/{Lease} failed; retrying every {RetryPeriod} (said once until the cause changes)")]
    private static partial void LeaseError(ILogger logger, string @namespace, string lease, TimeSpan retryPeriod, Exception exception);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "The work of {Identity}'s term failed while it led; giving up the Lease")]
    private static partial void TermFailed(ILogger logger, string identity, Exception exception);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "{Identity} released the Lease {Namespace}/{Lease}")]
    private static partial void Released(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "Releasing the Lease {Namespace}/{Lease} failed; it expires on its own")]
    private static partial void ReleaseFailed(ILogger logger, string @namespace, string lease, Exception exception);
}
