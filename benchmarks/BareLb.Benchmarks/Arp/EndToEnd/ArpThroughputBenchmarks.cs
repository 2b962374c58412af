using System.Diagnostics;
using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace BareLb.Benchmarks.Arp.EndToEnd;

/// <summary>
/// Requests per second answered without loss over a veth pair: the generator paces a burst of
/// requests at the given rate from 4,096 source MACs, then drains the replies from its socket
/// (no receiving thread competes with the sender), and an iteration fails (the row shows NA) if
/// a single reply is missing. BareLb's engine runs on one receive thread; the kernel answering
/// for the node's own address is the anchor. The mean is the time per request actually
/// achieved, so 1 / mean is the rate offered and answered. Needs root (it creates network
/// namespaces).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 20, invocationCount: 1, id: "Burst")]
public class ArpThroughputBenchmarks
{
    // Small enough that every reply of a burst fits in the generator's socket queue.
    private const int Burst = 5_000;
    private VethRig _rig = null!;
    private Layer2Engine _engine = null!;
    private ArpGenerator _generator = null!;

    [Params(100_000, 200_000, 400_000)]
    public int RequestsPerSecond { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new VethRig();
        _engine = new Layer2Engine(new Layer2Options { AnnouncementCount = 1 });
        _engine.AddInterface(AfPacketTransport.Open("vn", _rig.Node), [IPAddr.Parse("198.18.0.100")]);
        _generator = new ArpGenerator(_rig.Client, 0xC612_0002u, 0xC612_0064u); // 198.18.0.2 (kernel), 198.18.0.100 (BareLb)
        Drain();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generator.Dispose();
        _engine.Dispose();
        _rig.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Burst, Description = "Kernel: paced ARP requests, all answered")]
    public void Kernel() => Run(0);

    [Benchmark(OperationsPerInvoke = Burst, Description = "BareLb (AF_PACKET, one thread): paced ARP requests, all answered")]
    public void BareLb() => Run(1);

    private void Run(int target)
    {
        var interval = Stopwatch.Frequency / (double)RequestsPerSecond;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Burst; i++)
        {
            var due = start + (long)(i * interval);
            var now = Stopwatch.GetTimestamp();
            if (now - due > Stopwatch.Frequency / 10_000)
            {
                // More than 100 us late (the sender was descheduled): carry on at the rate from
                // here rather than catch up with a burst, so the offered rate never exceeds it.
                start = now - (long)(i * interval);
                due = now;
            }

            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.SpinWait(1);
            }

            _generator.Send(target);
        }

        var answered = 0;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (answered < Burst && Stopwatch.GetTimestamp() < deadline)
        {
            if (_generator.ReceiveReply(TimeSpan.FromMilliseconds(10)) == target)
            {
                answered++;
            }
        }

        if (answered < Burst)
        {
            throw new InvalidOperationException($"{Burst - answered} of {Burst} requests at {RequestsPerSecond}/s got no reply.");
        }
    }

    private void Drain()
    {
        while (_generator.ReceiveReply(TimeSpan.FromMilliseconds(50)) != -1 || _generator.ReceiveReply(TimeSpan.FromMilliseconds(50)) != -1)
        {
        }
    }
}
