using System.Collections.Concurrent;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>An endpoint of an <see cref="InMemoryLink"/>. Copies frames; meant for tests, not speed.</summary>
public sealed class InMemoryTransport : IFrameTransport
{
    private readonly InMemoryLink _link;
    private readonly bool _promiscuous;
    private readonly ConcurrentQueue<byte[]> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly ConcurrentDictionary<MacAddress, int> _groups = new();
    private volatile bool _disposed;
    private volatile bool _interrupted;
    private long _sent;

    internal InMemoryTransport(InMemoryLink link, string interfaceName, MacAddress hardwareAddress, bool promiscuous)
    {
        _link = link;
        InterfaceName = interfaceName;
        HardwareAddress = hardwareAddress;
        _promiscuous = promiscuous;
    }

    /// <inheritdoc/>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public MacAddress HardwareAddress { get; }

    /// <summary>The multicast groups joined now.</summary>
    public IReadOnlyCollection<MacAddress> Groups => [.. _groups.Keys];

    /// <summary>Frames sent through this endpoint so far.</summary>
    public long SentCount => Interlocked.Read(ref _sent);

    /// <inheritdoc/>
    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_available.Wait(timeout))
        {
            return 0;
        }

        if (_interrupted)
        {
            _available.Release(); // stays woken for every later call
            return 0;
        }

        if (!_queue.TryDequeue(out var frame))
        {
            return 0;
        }

        var length = Math.Min(frame.Length, buffer.Length);
        frame.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    /// <inheritdoc/>
    public bool CanInterruptReceive => true;

    /// <inheritdoc/>
    public void InterruptReceive()
    {
        if (_disposed)
        {
            return;
        }

        _interrupted = true;
        _available.Release();
    }

    /// <summary>Receives a whole frame as an array, or null on timeout (for tests).</summary>
    public byte[]? ReceiveFrame(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _available.Wait(timeout) && _queue.TryDequeue(out var frame) ? frame : null;
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _sent);
        _link.Deliver(this, frame);
        return true;
    }

    /// <inheritdoc/>
    public void JoinMulticast(MacAddress group) => _groups.AddOrUpdate(group, 1, (_, n) => n + 1);

    /// <inheritdoc/>
    public void LeaveMulticast(MacAddress group)
    {
        if (_groups.TryGetValue(group, out var n))
        {
            if (n <= 1)
            {
                _groups.TryRemove(group, out _);
            }
            else
            {
                _groups[group] = n - 1;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _link.Detach(this);
        _available.Dispose();
    }

    internal bool Accepts(MacAddress destination)
        => !_disposed && (_promiscuous || destination.IsBroadcast || destination == HardwareAddress || (destination.IsMulticast && _groups.ContainsKey(destination)));

    internal void Enqueue(ReadOnlySpan<byte> frame)
    {
        _queue.Enqueue(frame.ToArray());
        _available.Release();
    }
}
