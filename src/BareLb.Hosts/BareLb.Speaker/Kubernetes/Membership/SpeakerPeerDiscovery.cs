using System.Net;
using BareLb.Kube.Client;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Kubernetes.Membership;

/// <summary>
/// Finds the speakers' peers as MetalLB's <c>speakerlist</c> does: lists the speaker Pods of a namespace by label and
/// joins each Pod address not joined before. While some listed Pod is not a live member (it has no address yet, has not
/// joined yet, or the list failed) it lists again every <see cref="Unsettled"/>; once every one is, every
/// <see cref="Settled"/>, since a speaker that starts later joins the others itself and the membership rejoins known
/// addresses on its own. A member lost (<see cref="MemberLost"/>) brings the next list forward to at once.
/// </summary>
/// <param name="client">The API server.</param>
/// <param name="namespace">The speakers' namespace.</param>
/// <param name="labels">The speaker Pods' label selector.</param>
/// <param name="port">The memberlist port the Pods listen on.</param>
/// <param name="liveAddresses">The addresses of the live members now.</param>
/// <param name="join">Joins addresses.</param>
/// <param name="time">The clock of the waits.</param>
/// <param name="logger">Where listing failures and joins go.</param>
internal sealed partial class SpeakerPeerDiscovery(
    ApiConnection client,
    string @namespace,
    string labels,
    int port,
    Func<IReadOnlySet<IPAddress>> liveAddresses,
    Action<IReadOnlyList<IPEndPoint>> join,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The time between lists while some listed Pod is not a live member.</summary>
    public static readonly TimeSpan Unsettled = TimeSpan.FromSeconds(1);

    /// <summary>The time between lists once every listed Pod is a live member (MetalLB lists them every 5 minutes and rejoins every minute).</summary>
    public static readonly TimeSpan Settled = TimeSpan.FromMinutes(1);

    private readonly HashSet<string> _joinedAddresses = new(StringComparer.Ordinal);
    private TaskCompletionSource _memberLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _listed;
    private long _waitTicks = -1;

    /// <summary>Whether the Pods have been listed once.</summary>
    public bool HasListed => _listed;

    /// <summary>The wait in progress before the next list, or null while listing (for tests).</summary>
    internal TimeSpan? Waiting => Interlocked.Read(ref _waitTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>A member died or left: its Pod may come back at another address, so the next list is now.</summary>
    public void MemberLost() => Volatile.Read(ref _memberLost).TrySetResult();

    /// <summary>Lists and joins until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var settled = false;
            try
            {
                settled = await ListAndJoinAsync(cancellationToken).ConfigureAwait(false);
                if (failing)
                {
                    Log.PodsListedAgain(logger);
                    failing = false;
                }

                _listed = true;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    Log.CannotListPods(logger, @namespace, labels, e.Message);
                    failing = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await WaitAsync(settled ? Settled : Unsettled, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the Pods and joins the new addresses; true when every listed Pod is a live member.</summary>
    private async Task<bool> ListAndJoinAsync(CancellationToken cancellationToken)
    {
        var pods = await KubeApi.GetAsync<V1PodList>(client, ApiPath.Core("pods", @namespace) + ApiPath.Query(("labelSelector", labels)), cancellationToken).ConfigureAwait(false);
        var fresh = new List<IPEndPoint>();
        var listed = new List<IPAddress>();
        var withoutAddress = 0;
        foreach (var pod in pods.Items)
        {
            if (pod.Metadata?.DeletionTimestamp is not null)
            {
                continue;
            }

            if (pod.Status?.PodIP is not { Length: > 0 } ip || !IPAddress.TryParse(ip, out var address))
            {
                withoutAddress++;
                continue;
            }

            listed.Add(address);
            if (_joinedAddresses.Add(ip))
            {
                fresh.Add(new IPEndPoint(address, port));
            }
        }

        if (fresh.Count > 0)
        {
            Log.Joining(logger, string.Join(", ", fresh));
            join(fresh);
        }

        // Forget Pods that are gone, so that a Pod coming back at the same address is joined again.
        _joinedAddresses.IntersectWith(pods.Items.Select(static p => p.Status?.PodIP).OfType<string>());
        if (fresh.Count > 0 || withoutAddress > 0)
        {
            return false;
        }

        var live = liveAddresses();
        return listed.All(live.Contains);
    }

    /// <summary>Waits <paramref name="delay"/>, or less when a member is lost meanwhile, or until stopped.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var lost = Volatile.Read(ref _memberLost);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayed = Task.Delay(delay, time, wait.Token);
        Interlocked.Exchange(ref _waitTicks, delay.Ticks);
        await Task.WhenAny(delayed, lost.Task).ConfigureAwait(false);
        Interlocked.Exchange(ref _waitTicks, -1);
        await wait.CancelAsync().ConfigureAwait(false);
        if (lost.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _memberLost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), lost);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5142, LogLevel.Information, "Joining speakers at {Addresses}")]
        public static partial void Joining(ILogger logger, string addresses);

        [LoggerMessage(5143, LogLevel.Warning, "Cannot list the speaker Pods in {Namespace} with labels {Labels}: {Error}; retrying")]
        public static partial void CannotListPods(ILogger logger, string @namespace, string labels, string error);

        [LoggerMessage(5144, LogLevel.Information, "Listing the speaker Pods works again")]
        public static partial void PodsListedAgain(ILogger logger);
    }
}
