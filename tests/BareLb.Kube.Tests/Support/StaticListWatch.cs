using BareLb.Kube.Informers;
using k8s;

namespace BareLb.Kube.Tests;

/// <summary>A list-watch that lists fixed objects and then watches nothing until cancelled.</summary>
internal sealed class StaticListWatch<T>(params T[] items) : IListWatch<T>
{
    public Task<ListResult<T>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(new ListResult<T>(items, "1"));

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
