namespace BareLb.Core.Election;

/// <summary>
/// A node that may announce addresses, with its preference weight. Its name's hash is computed
/// once here, so that an election costs one mix per node and address.
/// </summary>
public sealed class NodeCandidate
{
    /// <summary>Creates a candidate.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="weight">Preference: a higher weight wins over any lower one; 0 by default.</param>
    public NodeCandidate(string name, int weight = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Weight = weight;
        NameHash = StableHash.Of(name);
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>Preference: a higher weight wins over any lower one.</summary>
    public int Weight { get; }

    internal ulong NameHash { get; }

    /// <inheritdoc/>
    public override string ToString() => Weight == 0 ? Name : $"{Name} (weight {Weight})";
}
