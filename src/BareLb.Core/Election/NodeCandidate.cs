using System.Text;

namespace BareLb.Core.Election;

/// <summary>
/// A node that may announce addresses, with its preference weight. The UTF-8 bytes of its name and
/// the separator <c>#</c> are kept here, so that an election hashes without allocating.
/// </summary>
public sealed class NodeCandidate
{
    /// <summary>Creates a candidate.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="weight">Preference: a higher weight wins over any lower one; 0 by default. MetalLB sums the
    /// weights of every L2Advertisement's preferred node selectors that select the node.</param>
    public NodeCandidate(string name, long weight = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Weight = weight;
        var key = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, key);
        key[^1] = (byte)'#';
        HashPrefix = key;
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>Preference: a higher weight wins over any lower one.</summary>
    public long Weight { get; }

    /// <summary>The UTF-8 bytes of <c>name + "#"</c>, the first part of the text the election hashes.</summary>
    internal byte[] HashPrefix { get; }

    /// <inheritdoc/>
    public override string ToString() => Weight == 0 ? Name : $"{Name} (weight {Weight})";
}
