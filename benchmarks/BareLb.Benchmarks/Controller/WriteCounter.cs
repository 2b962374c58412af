using System.Collections.Concurrent;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// Counts what a KubernetesClient writes, as it leaves the client: status-subresource writes, other
/// writes to Services (metadata patches), event creations and anything else that is not a read. It also
/// tracks which Services got an address through a successful status write, so the benchmark learns that
/// all have one without polling the API server, and when the last write happened.
/// </summary>
internal sealed class WriteCounter : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, byte> _addressed = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allAddressed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _expected;
    private long _status;
    private long _metadata;
    private long _events;
    private long _other;
    private long _lastWriteTicks;

    /// <summary>Counts writes; <paramref name="expected"/> is how many Services must get an address. KubernetesClient sets the inner handler.</summary>
    public WriteCounter(int expected) => _expected = expected;

    public long Status => Interlocked.Read(ref _status);

    public long Metadata => Interlocked.Read(ref _metadata);

    public long Events => Interlocked.Read(ref _events);

    public long Other => Interlocked.Read(ref _other);

    public long Total => Status + Metadata + Events + Other;

    /// <summary>How many Services got an address through a status write so far.</summary>
    public int Addressed => _addressed.Count;

    /// <summary>Completes once every expected Service got a non-empty ingress through a status write.</summary>
    public Task AllAddressed => _allAddressed.Task;

    /// <summary>When the last write left the client (Environment.TickCount64).</summary>
    public long LastWriteTicks => Interlocked.Read(ref _lastWriteTicks);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        Interlocked.Exchange(ref _lastWriteTicks, Environment.TickCount64);
        var path = request.RequestUri!.AbsolutePath;
        var isStatus = path.EndsWith("/status", StringComparison.Ordinal);
        if (isStatus)
        {
            Interlocked.Increment(ref _status);
        }
        else if (path.Contains("/events", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _events);
        }
        else if (path.Contains("/services/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _metadata);
        }
        else
        {
            Interlocked.Increment(ref _other);
        }

        var hasAddress = isStatus && request.Content is not null
            && (await request.Content.ReadAsStringAsync(cancellationToken)).Contains("\"ip\"", StringComparison.Ordinal);
        var response = await base.SendAsync(request, cancellationToken);
        if (hasAddress && response.IsSuccessStatusCode && _addressed.TryAdd(path, 0) && _addressed.Count >= _expected)
        {
            _allAddressed.TrySetResult();
        }

        return response;
    }
}
