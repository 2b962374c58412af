using System.Net;
using BareLb.Kube.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Leadership;

/// <summary>
/// One campaign for a coordination.k8s.io Lease, as client-go's leader election runs it: candidates read the Lease every
/// RetryPeriod and take it when it has no holder or its holder has not renewed for LeaseDuration (measured on this
/// replica's clock from when it last saw the Lease change, so clocks need not agree); the holder renews every
/// RetryPeriod and gives up when it has not renewed for RenewDeadline. Every write carries the resourceVersion it read,
/// so of two candidates racing for the same Lease the API server lets exactly one win (409 Conflict for the other).
/// </summary>
internal sealed class LeaseElector(ApiConnection client, LeaderElectionOptions options, TimeProvider time)
{
    private V1LeaseSpec? _observed;
    private DateTimeOffset _observedAt;
    private string? _reportedLeader;

    /// <summary>Called when this replica takes the Lease.</summary>
    public event Action? OnStartedLeading;

    /// <summary>Called when this replica stops leading (also when the campaign is cancelled while leading).</summary>
    public event Action? OnStoppedLeading;

    /// <summary>Called with the holder whenever this replica sees a different one, itself included.</summary>
    public event Action<string>? OnNewLeader;

    /// <summary>Called with each failure to read or write the Lease; the campaign goes on.</summary>
    public event Action<Exception>? OnError;

    /// <summary>Campaigns until this replica leads, then renews until it cannot; ends when leadership is lost.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task RunUntilLeadershipLostAsync(CancellationToken cancellationToken)
    {
        while (!await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
        {
            ReportLeader();
            await Task.Delay(Jittered(options.RetryPeriod), time, cancellationToken).ConfigureAwait(false);
        }

        ReportLeader();
        OnStartedLeading?.Invoke();
        try
        {
            var renewed = time.GetUtcNow();
            while (true)
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken).ConfigureAwait(false);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(renewed + options.RenewDeadline - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
                bool ok;
                try
                {
                    ok = await TryAcquireOrRenewAsync(attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    ok = false;
                }

                ReportLeader();
                if (ok)
                {
                    renewed = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - renewed >= options.RenewDeadline || !IsHolder(_observed))
                {
                    return;
                }
            }
        }
        finally
        {
            OnStoppedLeading?.Invoke();
        }
    }

    // One read and, when this replica may hold the Lease, one write; true when this replica holds it afterwards.
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        V1Lease? lease;
        try
        {
            lease = await KubeApi.GetAsync<V1Lease>(client, options.LeasePath, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            OnError?.Invoke(e); // the runner tells a missing Lease (created next) from a missing namespace
            lease = null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            OnError?.Invoke(e);
            return false;
        }

        var now = time.GetUtcNow();
        if (lease is null)
        {
            var created = new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = options.LeaseName, NamespaceProperty = options.Namespace },
                Spec = Record(now, acquired: now.UtcDateTime, transitions: 0),
            };
            return await WriteAsync(() => KubeApi.CreateAsync(client, options.LeasesPath, created, cancellationToken), created.Spec, now).ConfigureAwait(false);
        }

        var spec = lease.Spec ?? new V1LeaseSpec();
        if (!SameRecord(_observed, spec))
        {
            _observed = spec;
            _observedAt = now;
        }

        var held = !string.IsNullOrEmpty(spec.HolderIdentity) && !IsHolder(spec);
        if (held && _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0) > now)
        {
            return false;
        }

        lease.Spec = IsHolder(spec)
            ? Record(now, spec.AcquireTime ?? now.UtcDateTime, spec.LeaseTransitions ?? 0)
            : Record(now, now.UtcDateTime, (spec.LeaseTransitions ?? 0) + 1);
        return await WriteAsync(() => KubeApi.ReplaceAsync(client, options.LeasePath, lease, cancellationToken), lease.Spec, now).ConfigureAwait(false);
    }

    private async Task<bool> WriteAsync(Func<Task<V1Lease>> write, V1LeaseSpec written, DateTimeOffset now)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict)
        {
            return false; // another candidate wrote first; the next read shows who
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            OnError?.Invoke(e);
            return false;
        }

        _observed = written;
        _observedAt = now;
        return true;
    }

    private V1LeaseSpec Record(DateTimeOffset now, DateTime acquired, int transitions) => new()
    {
        HolderIdentity = options.Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        AcquireTime = acquired,
        RenewTime = now.UtcDateTime,
        LeaseTransitions = transitions,
    };

    private bool IsHolder(V1LeaseSpec? spec) => string.Equals(spec?.HolderIdentity, options.Identity, StringComparison.Ordinal);

    private static bool SameRecord(V1LeaseSpec? a, V1LeaseSpec b) =>
        a is not null
        && string.Equals(a.HolderIdentity, b.HolderIdentity, StringComparison.Ordinal)
        && a.LeaseDurationSeconds == b.LeaseDurationSeconds
        && a.AcquireTime == b.AcquireTime
        && a.RenewTime == b.RenewTime
        && a.LeaseTransitions == b.LeaseTransitions;

    private void ReportLeader()
    {
        if (_observed?.HolderIdentity is { Length: > 0 } holder && !string.Equals(holder, _reportedLeader, StringComparison.Ordinal))
        {
            _reportedLeader = holder;
            OnNewLeader?.Invoke(holder);
        }
    }

    // Candidates wait RetryPeriod and up to a fifth more, so that replicas started together do not read in lockstep.
    private static TimeSpan Jittered(TimeSpan period) => period + (period / 5 * Random.Shared.NextDouble());
}
