using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace BareLb.Benchmarks.Arp.EndToEnd;

/// <summary>
/// ARP reply latency over a veth pair, one request per iteration: BareLb (in a user-space
/// thread over AF_PACKET) against, in the same run, the Linux kernel answering for the node's
/// own interface address on the same veth. Needs root (it creates network namespaces).
/// </summary>
[Config(typeof(Config))]
public class ArpLatencyBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private VethRig _rig = null!;
    private Layer2Engine _engine = null!;
    private ArpGenerator _generator = null!;

    /// <summary>The engine's busy-poll window in microseconds (0, the default, never spins).</summary>
    [Params(0, 50)]
    public int BusyPollMicroseconds { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rig = new VethRig();
        _engine = new Layer2Engine(new Layer2Options { AnnouncementCount = 1, BusyPoll = TimeSpan.FromMicroseconds(BusyPollMicroseconds) });
        _engine.AddInterface(AfPacketTransport.Open("vn", _rig.Node));
        _engine.Announce("vn", IPAddr.Parse("198.18.0.100"));
        _generator = new ArpGenerator(_rig.Client, 0xC612_0002u, 0xC612_0064u); // 198.18.0.2 (kernel), 198.18.0.100 (BareLb)
        if (!_generator.RoundTrip(0, Timeout) || !_generator.RoundTrip(1, Timeout))
        {
            throw new InvalidOperationException("No ARP reply in the rig.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generator.Dispose();
        _engine.Dispose();
        _rig.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Kernel: ARP request -> reply over veth")]
    public void Kernel()
    {
        if (!_generator.RoundTrip(0, Timeout))
        {
            throw new InvalidOperationException("The kernel did not answer within a second.");
        }
    }

    [Benchmark(Description = "BareLb (AF_PACKET): ARP request -> reply over veth")]
    public void BareLb()
    {
        if (!_generator.RoundTrip(1, Timeout))
        {
            throw new InvalidOperationException("BareLb did not answer within a second.");
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(50).WithIterationCount(2000).WithInvocationCount(1).WithUnrollFactor(1).WithId("PerRequest"));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new P99Column(), StatisticColumn.Max);
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }
}
