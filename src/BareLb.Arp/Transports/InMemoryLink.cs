using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>
/// An Ethernet segment in memory, for tests: every frame sent by one endpoint reaches every
/// other endpoint that would receive it on a real link (broadcast, its own MAC, multicast
/// groups it joined, or everything when promiscuous).
/// </summary>
public sealed class InMemoryLink
{
    private readonly Lock _gate = new();
    private InMemoryTransport[] _endpoints = [];

    /// <summary>Attaches a new endpoint to the link.</summary>
    public InMemoryTransport Connect(string interfaceName, MacAddress hardwareAddress, bool promiscuous = false)
    {
        var endpoint = new InMemoryTransport(this, interfaceName, hardwareAddress, promiscuous);
        lock (_gate)
        {
            _endpoints = [.. _endpoints, endpoint];
        }

        return endpoint;
    }

    internal void Detach(InMemoryTransport endpoint)
    {
        lock (_gate)
        {
            _endpoints = [.. _endpoints.Where(e => e != endpoint)];
        }
    }

    internal void Deliver(InMemoryTransport sender, ReadOnlySpan<byte> frame)
    {
        var destination = frame.Length >= 6 ? MacAddress.Read(frame) : MacAddress.Zero;
        foreach (var endpoint in Volatile.Read(ref _endpoints))
        {
            if (endpoint != sender && endpoint.Accepts(destination))
            {
                endpoint.Enqueue(frame);
            }
        }
    }
}
