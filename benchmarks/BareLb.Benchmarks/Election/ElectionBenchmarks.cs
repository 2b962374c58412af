using System.Security.Cryptography;
using System.Text;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BenchmarkDotNet.Attributes;

namespace BareLb.Benchmarks.Election;

/// <summary>
/// Electing the announcing node for one address: BareLb's one pass with one SHA-256 digest per node against the
/// anchor, MetalLB's <c>sortL2Candidates</c> as its speaker runs it (sort every candidate, computing both digests of
/// <c>node + "#" + address</c> inside each comparison, then take the first), measured in the same run. Both give
/// the same node (Core's tests prove it on MetalLB's own cases).
/// </summary>
[MemoryDiagnoser]
public class ElectionBenchmarks
{
    private NodeCandidate[] _candidates = null!;
    private string[] _names = null!;
    private string[] _sortScratch = null!;
    private IPAddr _address;
    private int _next;

    /// <summary>Candidate nodes.</summary>
    [Params(100, 1_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _names = [.. Enumerable.Range(0, Nodes).Select(i => $"worker-{i:D4}.rack{i % 40}.example")];
        _sortScratch = new string[Nodes];
        _candidates = [.. _names.Select(n => new NodeCandidate(n))];
        _address = IPAddr.Parse("198.18.35.100");
    }

    [Benchmark(Baseline = true, Description = "MetalLB: sort with SHA-256 in the comparator")]
    public string MetalLbSort()
    {
        var ip = NextAddress().ToString();
        _names.CopyTo(_sortScratch, 0);
        Array.Sort(_sortScratch, (a, b) =>
        {
            var ha = SHA256.HashData(Encoding.UTF8.GetBytes(a + "#" + ip));
            var hb = SHA256.HashData(Encoding.UTF8.GetBytes(b + "#" + ip));
            return ha.AsSpan().SequenceCompareTo(hb);
        });
        return _sortScratch[0];
    }

    [Benchmark(Description = "BareLb: one pass, one digest per node")]
    public string? OnePass() => Layer2Election.Elect(NextAddress(), _candidates.AsSpan())?.Name;

    // A different address each call, so nothing is cached between calls.
    private IPAddr NextAddress() => IPAddr.FromIPv4((uint)_address.Value + (uint)(_next++ & 0xFF));
}
