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
/// requests at the given rate from 4,096 source MACs and an iteration fails (the row shows NA)
/// if a single reply is missing. BareLb's engine runs on one receive thread; the kernel answering
/// for the node's own address is the anchor. Needs root (it creates network namespaces).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1, id: "Burst")]
public class ArpThroughputBenchmarks
{
    private const int Burst = 20_000;
    private VethRig _rig = null!;
    private Layer2Engine _engine = null!;
    private ArpGenerator _generator = null!;
    private ReplyCounter _replies = null!;

    [Params(100_000, 200_000, 400_000)]
    public int RequestsPerSecond { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new VethRig();
        _engine = new Layer2Engine(new Layer2Options { AnnouncementCount = 1 });
        _engine.AddInterface(AfPacketTransport.Open("vn", _rig.Node));
        _engine.Announce("vn", IPAddr.Parse("198.18.0.100"));
        _generator = new ArpGenerator(_rig.Client, 0xC612_0002u, 0xC612_0064u); // 198.18.0.2 (kernel), 198.18.0.100 (BareLb)
        _replies = new ReplyCounter(_generator);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _replies.Dispose();
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
        var before = _replies.Count(target);
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

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        while (_replies.Count(target) - before < Burst && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(1);
        }

        var lost = Burst - (_replies.Count(target) - before);
        if (lost > 0)
        {
            throw new InvalidOperationException($"{lost} of {Burst} requests at {RequestsPerSecond}/s got no reply.");
        }
    }

    private sealed class ReplyCounter : IDisposable
    {
        private readonly ArpGenerator _socket;
        private readonly Thread _thread;
        private readonly long[] _counts = new long[2];
        private volatile bool _stopping;

        public ReplyCounter(ArpGenerator socket)
        {
            _socket = socket;
            _thread = new Thread(Loop) { IsBackground = true, Name = "reply counter" };
            _thread.Start();
        }

        public long Count(int target) => Interlocked.Read(ref _counts[target]);

        public void Dispose()
        {
            _stopping = true;
            _thread.Join();
        }

        private void Loop()
        {
            while (!_stopping)
            {
                var target = _socket.ReceiveReply(TimeSpan.FromMilliseconds(100));
                if (target >= 0)
                {
                    Interlocked.Increment(ref _counts[target]);
                }
            }
        }
    }
}
