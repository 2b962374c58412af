using BareLb.Core.Addresses;
using BareLb.Core.Election;

namespace BareLb.Kube.Speaker;

/// <summary>
/// What one speaker decided from one view: the verdict of every Service, and the desired set that follows (one entry
/// per address this node wins, with the Services that need it, counted so that a shared address stays while any of
/// them needs it). Pure: the same view gives the same decision on every node.
/// </summary>
internal sealed class SpeakerDecision
{
    private SpeakerDecision(IReadOnlyDictionary<string, Layer2Verdict> verdicts, IReadOnlyList<DesiredAnnouncement> desired)
    {
        Verdicts = verdicts;
        Desired = desired;
    }

    /// <summary>An empty decision (before the first one).</summary>
    public static SpeakerDecision Empty { get; } = new(new Dictionary<string, Layer2Verdict>(), []);

    /// <summary>Every Service's verdict, by key.</summary>
    public IReadOnlyDictionary<string, Layer2Verdict> Verdicts { get; }

    /// <summary>The addresses to announce, in address order.</summary>
    public IReadOnlyList<DesiredAnnouncement> Desired { get; }

    /// <summary>The keys of the Services this node announces.</summary>
    public IEnumerable<string> Announced => Verdicts.Where(v => v.Value.Announce).Select(v => v.Key);

    /// <summary>
    /// Decides every Service from the view. With <paramref name="nodeInterfaces"/>, a Service this node wins whose
    /// advertisements name interfaces, none of which the node has, gets <see cref="Layer2Reason.InterfacesMissing"/>
    /// and is left out of the desired set, as MetalLB's <c>SetBalancer</c> skips it. The node's interfaces are read
    /// once, and only when such a Service is won (most advertisements name none).
    /// </summary>
    public static SpeakerDecision Make(Layer2View view, IEnumerable<Layer2Service> services, Func<IReadOnlySet<string>?>? nodeInterfaces = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(services);
        var verdicts = new Dictionary<string, Layer2Verdict>(StringComparer.Ordinal);
        var byAddress = new SortedDictionary<IPAddr, (HashSet<string> Services, HashSet<string> Interfaces, bool All)>();
        var interfaces = nodeInterfaces is null ? null : new Lazy<IReadOnlySet<string>?>(nodeInterfaces, LazyThreadSafetyMode.None);
        foreach (var service in services)
        {
            var verdict = Layer2Decision.Decide(view, service);
            if (verdict.Announce && !verdict.AllInterfaces && interfaces?.Value is { } present && !verdict.Interfaces.Any(present.Contains))
            {
                verdict = verdict with
                {
                    Reason = Layer2Reason.InterfacesMissing,
                    Detail = $"node {view.MyNode} is elected but has none of the interfaces its advertisements name ({string.Join(", ", verdict.Interfaces.Order(StringComparer.Ordinal))})",
                };
            }

            verdicts[service.Key] = verdict;
            if (!verdict.Announce)
            {
                continue;
            }

            foreach (var address in verdict.Addresses)
            {
                if (!byAddress.TryGetValue(address, out var entry))
                {
                    entry = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal), false);
                }

                entry.Services.Add(service.Key);
                entry.Interfaces.UnionWith(verdict.Interfaces);
                byAddress[address] = entry with { All = entry.All || verdict.AllInterfaces };
            }
        }

        var desired = byAddress.Select(e => new DesiredAnnouncement
        {
            Address = e.Key,
            AllInterfaces = e.Value.All,
            Interfaces = e.Value.All ? new HashSet<string>(StringComparer.Ordinal) : e.Value.Interfaces,
            Services = e.Value.Services,
        }).ToList();
        return new SpeakerDecision(verdicts, desired);
    }

    /// <summary>Whether two desired sets are the same (same entries, any order).</summary>
    public static bool SameSet(IReadOnlyCollection<DesiredAnnouncement> a, IReadOnlyCollection<DesiredAnnouncement> b) =>
        a.Count == b.Count && a.ToHashSet().SetEquals(b);
}
