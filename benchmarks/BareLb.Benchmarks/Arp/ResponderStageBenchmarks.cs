using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Arp.Responding;
using BareLb.Core.Addresses;
using BenchmarkDotNet.Attributes;
using static BareLb.Benchmarks.Arp.ResponderWorkload;

namespace BareLb.Benchmarks.Arp;

/// <summary>
/// The stages of <see cref="ResponderBenchmarks"/>' ARP reply one at a time, to show where its
/// nanoseconds go: the clock read, the per-source limit, the lookup among 1,000 addresses, the
/// decode (general path), the reply write, and the whole on the fast and the general path.
/// Each stage pays its own call, so read them as relative weights.
/// </summary>
[MemoryDiagnoser]
public class ResponderStageBenchmarks
{
    private readonly byte[] _reply = new byte[FrameResponder.MaxReplyLength];
    private AddressTable _table = null!;
    private SourceRateLimiter _limiter = null!;
    private ReplyTemplates _templates = null!;
    private Layer2Metrics _metrics = null!;
    private FrameResponder _responder = null!;
    private byte[] _request = null!;
    private uint _target;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new Layer2Metrics(null);
        _table = Table(_metrics);
        _target = V4(617).ToUInt32();
        _limiter = new SourceRateLimiter(1_000_000, 1_000, TimeProvider.System);
        _templates = new ReplyTemplates(OurMac);
        _responder = new FrameResponder(OurMac, _table, _limiter, _metrics.ForInterface("eth0"));
        _request = ArpRequest(V4(617));
    }

    [GlobalCleanup]
    public void Cleanup() => _metrics.Dispose();

    [Benchmark(Description = "Environment.TickCount64")]
    public long Clock() => Environment.TickCount64;

    [Benchmark(Description = "next source (benchmark bookkeeping)")]
    public ulong NextSource() => PeerMac.Value + (ulong)(_next++ & (Sources - 1));

    [Benchmark(Description = "limiter: TryAcquire for the next of 4,096 sources")]
    public bool Limiter() => _limiter.TryAcquire(PeerMac.Value + (ulong)(_next++ & (Sources - 1)));

    [Benchmark(Description = "lookup among 1,000 IPv4 addresses")]
    public object? Lookup() => _table.Snapshot.FindIPv4(_target);

    [Benchmark(Description = "decode: Ethernet and ARP headers into structs (general path)")]
    public uint Decode()
    {
        Ethernet.TryRead(_request, out var ethernet, out _);
        ArpPacket.TryRead(_request.AsSpan(ethernet.Length), out var arp, out _);
        return arp.TargetProtocol;
    }

    [Benchmark(Description = "whole, general path: FrameResponder.RespondDecoded")]
    public int General() => _responder.RespondDecoded(_request, _reply, out _);

    [Benchmark(Description = "write: reply from the template")]
    public int Write() => _templates.WriteArpReply(_reply, _request);

    [Benchmark(Description = "whole, fast path: FrameResponder.Respond")]
    public int Whole() => _responder.Respond(_request, _reply);
}
