using System.Security.Cryptography;
using System.Text;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BenchmarkDotNet.Attributes;

namespace BareLb.Benchmarks.Election;

/// <summary>
/// Electing the announcing node for one address among 1,000 candidates: BareLb's rendezvous
/// election against the anchor MetalLB's approach gives (hash each node's name with the address
/// through SHA-256, sort, take the first), measured in the same run.
/// </summary>
[MemoryDiagnoser]
public class ElectionBenchmarks
{
    private NodeCandidate[] _candidates = null!;
    private string[] _names = null!;
    private IPAddr _address;
    private int _next;

    /// <summary>Candidate nodes.</summary>
    [Params(1_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _names = [.. Enumerable.Range(0, Nodes).Select(i => $"worker-{i:D4}.rack{i % 40}.example")];
        _candidates = [.. _names.Select(n => new NodeCandidate(n))];
        _address = IPAddr.Parse("198.18.35.100");
    }

    [Benchmark(Baseline = true, Description = "hash and sort (MetalLB's way)")]
    public string HashAndSort()
    {
        var address = NextAddress().ToString();
        return _names
            .Select(name => (Name: name, Hash: SHA256.HashData(Encoding.UTF8.GetBytes(name + "#" + address))))
            .OrderBy(x => x.Hash, HashComparer.Instance)
            .First().Name;
    }

    [Benchmark(Description = "BareLb rendezvous election")]
    public string? Rendezvous() => Layer2Election.Elect(NextAddress(), _candidates.AsSpan())?.Name;

    // A different address each call, so nothing is cached between calls.
    private IPAddr NextAddress() => IPAddr.FromIPv4((uint)_address.Value + (uint)(_next++ & 0xFF));

    private sealed class HashComparer : IComparer<byte[]>
    {
        public static readonly HashComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
