namespace BareLb.Lab.Soak;

/// <summary>What the soak has made of the cluster: its Services and its configuration switches.</summary>
internal sealed class SoakState
{
    /// <summary>The soak's Services by name.</summary>
    public SortedDictionary<string, SoakService> Services { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the second pool (<c>soak-b</c>, only for Services that ask for it) exists.</summary>
    public bool SecondPool { get; set; } = true;

    /// <summary>The node the L2Advertisement leaves out, or null when it selects every node.</summary>
    public string? ExcludedNode { get; set; }

    /// <summary>The number of the next Service's name.</summary>
    public int NextService { get; set; } = 1;
}

/// <summary>A Service the soak made.</summary>
/// <param name="Name">Its name.</param>
/// <param name="LoadBalancer">LoadBalancer, or ClusterIP.</param>
/// <param name="Family">Its families.</param>
/// <param name="Pool">The pool it asks for, or null for any.</param>
internal sealed record SoakService(string Name, bool LoadBalancer, SoakFamily Family, string? Pool);
