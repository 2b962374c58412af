using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Arp.Responding;
using BareLb.Core.Addresses;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Arp.Tests.Support;

/// <summary>A responder for one interface over a table, with a fake clock.</summary>
internal sealed class ResponderRig : IDisposable
{
    public ResponderRig(int ratePerSecond = 0, int burst = 1, params string[] addresses)
    {
        Time = new FakeTimeProvider();
        Metrics = new Layer2Metrics(null);
        Limiter = new SourceRateLimiter(ratePerSecond, burst, Time);
        Counters = Metrics.ForInterface("eth0");
        Table = new AddressTable(Counters);
        Responder = new FrameResponder(Frames.Ours, Table, Limiter, Counters);
        foreach (var address in addresses)
        {
            Table.Add(IPAddr.Parse(address));
        }
    }

    public FakeTimeProvider Time { get; }

    public Layer2Metrics Metrics { get; }

    public SourceRateLimiter Limiter { get; }

    public InterfaceCounters Counters { get; }

    public AddressTable Table { get; }

    public FrameResponder Responder { get; }

    public byte[]? Respond(byte[] frame, out DropReason reason)
    {
        var reply = new byte[FrameResponder.MaxReplyLength];
        var length = Responder.Respond(frame, reply, out reason);
        return length == 0 ? null : reply[..length];
    }

    public void Dispose() => Metrics.Dispose();
}
