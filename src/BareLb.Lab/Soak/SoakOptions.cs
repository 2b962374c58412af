namespace BareLb.Lab.Soak;

/// <summary>How a soak runs; <see cref="Validate"/> names the field and the reason of a bad value.</summary>
public sealed record SoakOptions
{
    /// <summary>How long steps are taken.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The seed of the random steps: the same seed gives the same steps.</summary>
    public int Seed { get; init; } = 1403;

    /// <summary>The longest an address held through a step may go unanswered.</summary>
    public TimeSpan FailoverTarget { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after a step is complete it is watched, and answers from two nodes are excused (the hand-over window).</summary>
    public TimeSpan Observe { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How close two nodes' answers for one address must be to count as "at once".</summary>
    public TimeSpan Simultaneity { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest a newly assigned address may take to answer for the first time.</summary>
    public TimeSpan AppearanceLimit { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the Services' status is read.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the client forgets its neighbour entries, so that it asks again by broadcast
    /// (ARP) or multicast (NDP) and every node that claims an address answers where the capture sees it.
    /// </summary>
    public TimeSpan NeighbourFlushInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most Services the soak keeps at once.</summary>
    public int MaxServices { get; init; } = 8;

    /// <summary>The namespace of the soak's Services.</summary>
    public string Namespace { get; init; } = "soak";

    /// <summary>The namespace of BareLb's configuration.</summary>
    public string ConfigurationNamespace { get; init; } = "metallb-system";

    /// <summary>Throws <see cref="LabException"/> naming the first bad field.</summary>
    public void Validate()
    {
        Require(Duration > TimeSpan.Zero && Duration <= TimeSpan.FromDays(1), nameof(Duration), Duration, "must be more than 0 and at most a day");
        Require(FailoverTarget > TimeSpan.Zero, nameof(FailoverTarget), FailoverTarget, "must be positive");
        Require(Observe >= FailoverTarget, nameof(Observe), Observe, "must be at least the failover target");
        Require(Simultaneity > TimeSpan.Zero, nameof(Simultaneity), Simultaneity, "must be positive");
        Require(AppearanceLimit > TimeSpan.Zero && AppearanceLimit <= TimeSpan.FromSeconds(90), nameof(AppearanceLimit), AppearanceLimit, "must be more than 0 and at most 90 s");
        Require(PollInterval >= TimeSpan.FromMilliseconds(100), nameof(PollInterval), PollInterval, "must be at least 100 ms");
        Require(NeighbourFlushInterval >= TimeSpan.FromMilliseconds(500), nameof(NeighbourFlushInterval), NeighbourFlushInterval, "must be at least 500 ms");
        Require(MaxServices is >= 1 and <= 20, nameof(MaxServices), MaxServices, "must be between 1 and 20 (the pools hold 20 addresses per family)");
        Require(IsName(Namespace), nameof(Namespace), Namespace, "must be a DNS label");
        Require(IsName(ConfigurationNamespace), nameof(ConfigurationNamespace), ConfigurationNamespace, "must be a DNS label");
    }

    private static bool IsName(string value)
        => value is { Length: > 0 and <= 63 } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && value[0] != '-' && value[^1] != '-';

    private static void Require(bool condition, string field, object value, string reason)
    {
        if (!condition)
        {
            throw new LabException($"Soak options: {field} {value} {reason}.");
        }
    }
}
