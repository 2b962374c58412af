using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Informers;

/// <summary>
/// Lets an informer over an optional kind run where RBAC forbids it, as under MetalLB's own manifests, which grant
/// the controller no ConfigMaps and only <c>get</c>/<c>list</c> (no <c>watch</c>) on BGPPeers. A forbidden list
/// (403) reads as empty; a forbidden watch is replaced by listing again every <c>recheck</c> (the watch waits, then
/// ends as if its history were gone, so the informer lists again). Each is logged once, as a warning; a later
/// success (the permission granted) goes back to watching.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
internal sealed partial class ForbiddenTolerantListWatch<T>(IListWatch<T> inner, string what, TimeSpan recheck, TimeProvider timeProvider, ILogger logger) : IListWatch<T>
{
    private volatile bool _listForbidden;
    private volatile bool _watchForbidden;
    private int _loggedList;
    private int _loggedWatch;

    public Task<ListResult<T>> ListAsync(CancellationToken cancellationToken) =>
        TolerateAsync(inner.ListAsync(cancellationToken));

    public Task<ListResult<T>> ListPageAsync(int limit, string? continueToken, CancellationToken cancellationToken) =>
        TolerateAsync(inner.ListPageAsync(limit, continueToken, cancellationToken));

    private async Task<ListResult<T>> TolerateAsync(Task<ListResult<T>> list)
    {
        try
        {
            var result = await list.ConfigureAwait(false);
            _listForbidden = false;
            return result;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            _listForbidden = true;
            if (Interlocked.Exchange(ref _loggedList, 1) == 0)
            {
                ListForbidden(logger, what, recheck.TotalSeconds);
            }

            return new ListResult<T>([], "");
        }
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onError);
        if (!_listForbidden && !_watchForbidden)
        {
            var enumerator = inner.WatchAsync(resourceVersion, onError, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                while (await NextAsync(enumerator).ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }
            }
        }

        if (_listForbidden || _watchForbidden)
        {
            // Tried again after the wait: a watch allowed by then works as usual.
            _watchForbidden = false;
            await Task.Delay(recheck, timeProvider, cancellationToken).ConfigureAwait(false);
            onError(new KubernetesException(new V1Status
            {
                Code = (int)HttpStatusCode.Gone,
                Reason = "Expired",
                Message = $"{what}: not watched (forbidden); listing again",
            }));
        }
    }

    private async Task<bool> NextAsync(IAsyncEnumerator<(WatchEventType, T)> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            _watchForbidden = true;
            if (Interlocked.Exchange(ref _loggedWatch, 1) == 0)
            {
                WatchForbidden(logger, what, recheck.TotalSeconds);
            }

            return false;
        }
    }

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Listing {What} is forbidden to this ServiceAccount; read as empty, and listed again every {Seconds} s")]
    private static partial void ListForbidden(ILogger logger, string what, double seconds);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Watching {What} is forbidden to this ServiceAccount (MetalLB's RBAC grants only get and list); listed again every {Seconds} s instead")]
    private static partial void WatchForbidden(ILogger logger, string what, double seconds);
}
