using BareLb.Kube.Speaker;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>A membership whose live set the test sets, and which records whether the speaker has addresses at stake.</summary>
internal sealed class FakeMembership(IEnumerable<string>? live) : ISpeakerMembership
{
    private volatile IReadOnlySet<string>? _live = live?.ToHashSet(StringComparer.Ordinal);

    public event EventHandler? Changed;

    public IReadOnlySet<string>? LiveSpeakers => _live;

    /// <summary>What the speaker last said of addresses at stake; null before it said anything.</summary>
    public bool? AddressesAtStake { get; private set; }

    public void SetAddressesAtStake(bool atStake) => AddressesAtStake = atStake;

    public void Set(params string[] live)
    {
        _live = live.ToHashSet(StringComparer.Ordinal);
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
