using BareLb.Kube.Speaker;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>A membership whose live set the test sets.</summary>
internal sealed class FakeMembership(IEnumerable<string>? live) : ISpeakerMembership
{
    private volatile IReadOnlySet<string>? _live = live?.ToHashSet(StringComparer.Ordinal);

    public event EventHandler? Changed;

    public IReadOnlySet<string>? LiveSpeakers => _live;

    public void Set(params string[] live)
    {
        _live = live.ToHashSet(StringComparer.Ordinal);
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
