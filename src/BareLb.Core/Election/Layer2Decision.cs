using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// Whether this speaker announces a Service's addresses in Layer 2 mode, decided exactly as MetalLB's speaker decides
/// (<c>speaker/main.go</c> SetBalancer, then <c>layer2_controller.go</c> ShouldAnnounce), so that BareLb and MetalLB
/// speakers in one cluster agree on every address:
/// <list type="number">
/// <item>the Service must be of type LoadBalancer, with addresses in its status that all parse and all lie in one pool
/// (an IPv4-mapped IPv6 address counts as its IPv4 address, as in Go);</item>
/// <item>some endpoint must be able to serve (ready, or serving while terminating);</item>
/// <item>the advertisements that apply are those of the pool whose Service selectors match (or that have none); a
/// Service that shares its address may not be selected by Service selectors;</item>
/// <item>one of them must select this node;</item>
/// <item>candidates are the nodes with a live speaker (every node when the membership is off), without
/// NetworkUnavailable, without the exclude-from-external-load-balancers label (unless ignored), selected by one of
/// those advertisements, and for externalTrafficPolicy Local with a serving endpoint;</item>
/// <item>the candidates are ordered by <see cref="Layer2Election"/> on the first address, with the advertisements'
/// preferred-node weights summed; the first announces.</item>
/// </list>
/// Pure: the same view gives the same verdict on every node.
/// </summary>
public static class Layer2Decision
{
    /// <summary>Decides for one Service.</summary>
    public static Layer2Verdict Decide(Layer2View view, Layer2Service service)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(service);
        if (!service.IsLoadBalancer)
        {
            return Refuse(Layer2Reason.NotLoadBalancer, "the Service is not of type LoadBalancer");
        }

        if (view.Pools is null)
        {
            return Refuse(Layer2Reason.NoConfiguration, "no configuration has been loaded yet");
        }

        if (service.IngressAddresses.Count == 0)
        {
            return Refuse(Layer2Reason.NoIPAllocated, "the Service has no address in status.loadBalancer.ingress");
        }

        var addresses = new IPAddr[service.IngressAddresses.Count];
        for (var i = 0; i < addresses.Length; i++)
        {
            if (!IPAddr.TryParse(service.IngressAddresses[i], out addresses[i]))
            {
                return Refuse(Layer2Reason.InvalidIP, $"status.loadBalancer.ingress[{i}].ip \"{service.IngressAddresses[i]}\" is not an IP address");
            }

            addresses[i] = AsGoReadsIt(addresses[i]);
        }

        var pool = view.Pools.FirstOrDefault(p => p.ContainsAll(addresses));
        if (pool is null)
        {
            return Refuse(Layer2Reason.IPNotAllowed, $"no configured pool holds {string.Join(", ", addresses)}", addresses);
        }

        return Elect(view, service, addresses, pool);
    }

    private static Layer2Verdict Elect(Layer2View view, Layer2Service service, IPAddr[] addresses, Layer2Pool pool)
    {
        if (!service.Endpoints.Any(e => e.CanServe))
        {
            return Refuse(Layer2Reason.NotOwner, "the Service has no endpoint that can serve", addresses, pool.Name);
        }

        var advertisements = pool.Advertisements.Where(a => a.AppliesTo(service.Labels)).ToArray();
        if (service.AllowsSharedIP && advertisements.Any(a => a.ServiceSelectors.Count > 0))
        {
            return Refuse(
                Layer2Reason.SharedIPWithServiceSelector,
                "allow-shared-ip is incompatible with serviceSelectors on the L2Advertisements of pool " + pool.Name,
                addresses,
                pool.Name);
        }

        if (!advertisements.Any(a => a.Nodes.Contains(view.MyNode)))
        {
            var detail = advertisements.Length == 0
                ? $"no L2Advertisement of pool {pool.Name} applies to the Service"
                : $"no L2Advertisement that applies to the Service ({string.Join(", ", advertisements.Select(a => a.Name))}) selects node {view.MyNode}";
            return Refuse(Layer2Reason.NoMatchingAdvertisement, detail, addresses, pool.Name);
        }

        var (candidates, excluded) = Candidates(view, service, advertisements);
        var elected = Layer2Election.Elect(addresses[0], candidates.AsSpan());
        if (elected is null)
        {
            return Refuse(Layer2Reason.NotOwner, "no node can announce the Service", addresses, pool.Name) with { Excluded = excluded };
        }

        var mine = string.Equals(elected.Name, view.MyNode, StringComparison.Ordinal);
        var myAdvertisements = advertisements.Where(a => a.Nodes.Contains(view.MyNode)).ToArray();
        var allInterfaces = myAdvertisements.Any(a => a.AllInterfaces);
        return new Layer2Verdict
        {
            Reason = mine ? Layer2Reason.None : Layer2Reason.NotOwner,
            Addresses = addresses,
            Pool = pool.Name,
            Elected = elected.Name,
            Candidates = candidates,
            Excluded = excluded,
            AllInterfaces = mine && allInterfaces,
            Interfaces = mine && !allInterfaces ? myAdvertisements.SelectMany(a => a.Interfaces).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(),
            Detail = mine ? $"node {view.MyNode} is elected" : $"node {elected.Name} is elected",
        };
    }

    private static (NodeCandidate[] Candidates, CandidateExclusion[] Excluded) Candidates(
        Layer2View view, Layer2Service service, Layer2Advertisement[] advertisements)
    {
        var serving = service.ExternalTrafficPolicyLocal
            ? service.Endpoints.Where(e => e.CanServe && e.NodeName is not null).Select(e => e.NodeName!).ToHashSet(StringComparer.Ordinal)
            : null;
        var candidates = new List<NodeCandidate>();
        var excluded = new List<CandidateExclusion>();
        IEnumerable<string> eligible = view.LiveSpeakers ?? (IEnumerable<string>)view.Nodes.Keys;
        if (view.LiveSpeakers is not null)
        {
            excluded.AddRange(view.Nodes.Keys.Where(n => !view.LiveSpeakers.Contains(n)).Select(n => new CandidateExclusion(n, CandidateExclusionReason.NotAliveMember)));
        }

        foreach (var name in eligible)
        {
            var node = view.Nodes.GetValueOrDefault(name);
            CandidateExclusionReason? reason =
                node is { NetworkUnavailable: true } ? CandidateExclusionReason.NetworkUnavailable
                : !view.IgnoreExcludeLoadBalancers && node is { ExcludedFromLoadBalancers: true } ? CandidateExclusionReason.ExcludedByLabel
                : !advertisements.Any(a => a.Nodes.Contains(name)) ? CandidateExclusionReason.NotSelectedByAdvertisement
                : serving is not null && !serving.Contains(name) ? CandidateExclusionReason.NoServingEndpoint
                : null;
            if (reason is { } r)
            {
                excluded.Add(new CandidateExclusion(name, r));
                continue;
            }

            long weight = 0;
            foreach (var advertisement in advertisements)
            {
                weight += advertisement.PreferredNodes.GetValueOrDefault(name);
            }

            candidates.Add(new NodeCandidate(name, weight));
        }

        excluded.Sort(static (x, y) => string.CompareOrdinal(x.Node, y.Node));
        return ([.. candidates], [.. excluded]);
    }

    /// <summary>
    /// An IPv4-mapped IPv6 address (<c>::ffff:a.b.c.d</c>) as the IPv4 address: Go's <c>net.IP</c> makes no
    /// difference between them, so MetalLB finds it in IPv4 pools, hashes the dotted quad and answers ARP for it.
    /// </summary>
    private static IPAddr AsGoReadsIt(IPAddr address) =>
        !address.IsIPv4 && address.Value >> 32 == 0xFFFF ? IPAddr.FromIPv4((uint)address.Value) : address;

    private static Layer2Verdict Refuse(Layer2Reason reason, string detail, IPAddr[]? addresses = null, string? pool = null) =>
        new() { Reason = reason, Detail = detail, Addresses = addresses ?? [], Pool = pool };
}
