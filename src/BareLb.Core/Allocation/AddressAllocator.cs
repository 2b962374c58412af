using System.Diagnostics;
using System.Runtime.InteropServices;
using BareLb.Core.Addresses;
using BareLb.Core.Pools;

namespace BareLb.Core.Allocation;

/// <summary>
/// Hands out service addresses from pools, exactly and deterministically: requested addresses
/// when allowed, otherwise the lowest free address of the first eligible pool; sharing by key under
/// MetalLB's rules; existing assignments restored before anything new; and a configuration change
/// that says which Services lost their address and which pending ones may now succeed.
/// Assign and release cost O(log n) in the addresses in use; memory grows with the addresses in
/// use and the number of ranges, never with a pool's size. Not thread-safe: one owner calls it.
/// </summary>
public sealed class AddressAllocator
{
    private readonly Dictionary<IPAddr, AddressHolding> _holdings = [];
    private readonly Dictionary<ServiceKey, Assignment> _assignments = [];
    private readonly Dictionary<string, List<IPAddr>> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceKey, ServiceRequest> _pending = [];
    private PoolConfiguration _configuration;
    private Dictionary<string, PoolIndex> _indexes;

    /// <summary>Creates an allocator over a validated configuration.</summary>
    public AddressAllocator(PoolConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _indexes = BuildIndexes(configuration);
    }

    /// <summary>The configuration in force.</summary>
    public PoolConfiguration Configuration => _configuration;

    /// <summary>The number of Services holding addresses.</summary>
    public int AssignedCount => _assignments.Count;

    /// <summary>Every assignment, in no particular order.</summary>
    public IEnumerable<Assignment> Assignments => _assignments.Values;

    /// <summary>Services whose last assign failed and that hold no address.</summary>
    public IReadOnlyCollection<ServiceKey> PendingServices => _pending.Keys;

    /// <summary>
    /// Grows with every change that may let a pending Service succeed: addresses released, and holders whose
    /// ports, sharing key or backend changed. A caller retries <see cref="PendingServices"/> when it moved.
    /// </summary>
    public long RetryRevision { get; private set; }

    /// <summary>The assignment of a Service, if it has one.</summary>
    public Assignment? GetAssignment(ServiceKey service) => _assignments.GetValueOrDefault(service);

    /// <summary>The Services holding an address (more than one when shared).</summary>
    public IReadOnlyList<ServiceKey> HoldersOf(IPAddr address) =>
        _holdings.TryGetValue(address, out var holding) ? [.. Enumerable.Range(0, holding.Count).Select(i => holding[i].Service)] : [];

    /// <summary>
    /// Gives the Service addresses. An existing assignment that still satisfies the request is kept
    /// (<see cref="AllocationResult.Changed"/> is false); otherwise it is released first and, if no
    /// new assignment is possible, the Service is left pending with the reason.
    /// </summary>
    public AllocationResult Assign(ServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_assignments.TryGetValue(request.Key, out var existing))
        {
            if (StillSatisfies(existing, request))
            {
                Refresh(existing, request);
                _pending.Remove(request.Key);
                return AllocationResult.Success(existing, changed: false);
            }

            Drop(existing);
        }

        var plan = Plan(request);
        if (plan.Failure is { } failure)
        {
            _pending[request.Key] = request;
            return AllocationResult.Fail(failure);
        }

        _pending.Remove(request.Key);
        return AllocationResult.Success(Commit(request, plan), changed: true);
    }

    /// <summary>
    /// Whether <see cref="Assign"/> would succeed now, without changing anything. On success the
    /// result's assignment is what assign would give (not stored).
    /// </summary>
    public AllocationResult Evaluate(ServiceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_assignments.TryGetValue(request.Key, out var existing) && StillSatisfies(existing, request))
        {
            return AllocationResult.Success(existing, changed: false);
        }

        var plan = Plan(request);
        return plan.Failure is { } failure
            ? AllocationResult.Fail(failure)
            : AllocationResult.Success(new Assignment(request, plan.Pool!.Name, plan.First, plan.Second), changed: true);
    }

    /// <summary>
    /// Loads an assignment that a Service already holds (read from its status at start), so that a
    /// restart never moves or steals an address. Kept only when still valid under the current
    /// configuration and sharing rules; otherwise the result says why and nothing changes, and
    /// the caller assigns afresh. Restoring the same addresses again changes nothing.
    /// </summary>
    public AllocationResult Restore(ServiceRequest request, IReadOnlyList<IPAddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(addresses);
        if (_assignments.TryGetValue(request.Key, out var existing) && existing.HoldsExactly(addresses))
        {
            return AllocationResult.Success(existing, changed: false);
        }

        if (addresses.Count == 0)
        {
            return AllocationResult.Fail(new AllocationFailure(AllocationFailureReason.InvalidRequest, "there is no address to restore"));
        }

        if (request.RequestedAddresses.Count > 0 && !SameSet(request.RequestedAddresses, addresses))
        {
            return AllocationResult.Fail(new AllocationFailure(
                AllocationFailureReason.InvalidRequest,
                $"the Service holds {string.Join(", ", addresses)} but asks for {string.Join(", ", request.RequestedAddresses)}"));
        }

        if (existing is not null)
        {
            Drop(existing);
        }

        var plan = PlanRequested(request, PrimaryFirst(request, addresses), "holds");
        if (plan.Failure is { } failure)
        {
            return AllocationResult.Fail(failure);
        }

        _pending.Remove(request.Key);
        return AllocationResult.Success(Commit(request, plan), changed: false);
    }

    /// <summary>Releases the Service's addresses and forgets it; false when it held none and was not pending.</summary>
    public bool Release(ServiceKey service)
    {
        var wasPending = _pending.Remove(service);
        if (!_assignments.TryGetValue(service, out var assignment))
        {
            return wasPending;
        }

        Drop(assignment);
        return true;
    }

    /// <summary>
    /// Puts a new configuration in force. Assignments whose addresses are still offered by a pool
    /// that serves the Service are kept; the others are released and reported, and their Services
    /// become pending. Pending Services that an assign would now satisfy are reported too.
    /// </summary>
    public ConfigurationImpact Reconfigure(PoolConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var previous = _assignments.Values.OrderBy(a => a.Service).ToList();
        _configuration = configuration;
        _indexes = BuildIndexes(configuration);
        _holdings.Clear();
        _shared.Clear();
        _assignments.Clear();

        var lost = new List<(ServiceKey, AllocationFailure)>();
        var moved = new List<ServiceKey>();
        foreach (var assignment in previous)
        {
            var plan = PlanRequested(assignment.Request, assignment, "holds");
            if (plan.Failure is { } failure)
            {
                lost.Add((assignment.Service, failure));
                _pending[assignment.Service] = assignment.Request;
                continue;
            }

            Commit(assignment.Request, plan);
            if (!string.Equals(plan.Pool!.Name, assignment.Pool, StringComparison.Ordinal))
            {
                moved.Add(assignment.Service);
            }
        }

        var lostKeys = lost.Select(l => l.Item1).ToHashSet();
        var mayNow = _pending.Values
            .Where(r => !lostKeys.Contains(r.Key) && Plan(r).Failure is null)
            .Select(r => r.Key)
            .Order()
            .ToList();
        return new ConfigurationImpact(lost, mayNow, moved);
    }

    /// <summary>Exact counts for every pool and each family it has, in allocation order.</summary>
    public IReadOnlyList<PoolStatistics> GetStatistics()
    {
        var statistics = new List<PoolStatistics>();
        foreach (var pool in _configuration.Pools)
        {
            var index = _indexes[pool.Name];
            if (pool.HasIPv4)
            {
                statistics.Add(index.Statistics(IPFamily.IPv4));
            }

            if (pool.HasIPv6)
            {
                statistics.Add(index.Statistics(IPFamily.IPv6));
            }
        }

        return statistics;
    }

    /// <summary>The counts of one pool and family.</summary>
    public PoolStatistics? GetStatistics(string pool, IPFamily family) =>
        _indexes.TryGetValue(pool, out var index) && index.Pool.Has(family) ? index.Statistics(family) : null;

    /// <summary>The number of free-address intervals the allocator keeps: what its memory grows with.</summary>
    internal int IntervalCount => _indexes.Values.Sum(i => i.IntervalCount);

    private static Dictionary<string, PoolIndex> BuildIndexes(PoolConfiguration configuration) =>
        configuration.Pools.ToDictionary(p => p.Name, p => new PoolIndex(p), StringComparer.Ordinal);

    private static bool SameSet(IReadOnlyList<IPAddr> a, IReadOnlyList<IPAddr> b) =>
        a.Count == b.Count && a.All(b.Contains);

    private static IReadOnlyList<IPAddr> PrimaryFirst(ServiceRequest request, IReadOnlyList<IPAddr> addresses) =>
        addresses.Count == 2 && addresses[0].Family != FamilyRules.Primary(request) ? [addresses[1], addresses[0]] : addresses;

    private bool StillSatisfies(Assignment existing, ServiceRequest request)
    {
        if (request.RequestedAddresses.Count > 0 && !existing.HoldsExactly(request.RequestedAddresses))
        {
            return false;
        }

        return PlanRequested(request, PrimaryFirst(request, existing), "holds") is { Failure: null } plan
            && string.Equals(plan.Pool!.Name, existing.Pool, StringComparison.Ordinal);
    }

    // Keeps the holdings' sharing terms in step with a Service that holds its addresses alone.
    private void Refresh(Assignment existing, ServiceRequest request)
    {
        if (SharingTermsDiffer(existing.Request, request))
        {
            RetryRevision++;
        }

        existing.Request = request;
        for (var i = 0; i < existing.Count; i++)
        {
            var address = existing[i];
            ref var holding = ref CollectionsMarshal.GetValueRefOrNullRef(_holdings, address);
            if (holding.Count != 1)
            {
                continue;
            }

            if (!string.Equals(holding.SharingKey, request.SharingKey, StringComparison.Ordinal))
            {
                Unshare(holding.SharingKey, address);
                holding.SharingKey = request.SharingKey;
                Share(holding.SharingKey, address);
            }

            holding.BackendKey = request.BackendKey;
        }
    }

    private Plan Plan(ServiceRequest request) =>
        request.RequestedAddresses.Count > 0
            ? PlanRequested(request, PrimaryFirst(request, request.RequestedAddresses), "requests")
            : PlanAutomatic(request);

    private Plan PlanRequested(ServiceRequest request, IReadOnlyList<IPAddr> addresses, string verb)
    {
        if (FamilyRules.CheckRequested(request, addresses, verb) is { } invalid)
        {
            return new Plan(invalid);
        }

        if (request.Pool is { } pinned && _configuration.Find(pinned) is null)
        {
            return new Plan(new AllocationFailure(AllocationFailureReason.PinnedPoolNotFound, $"the Service asks for pool {pinned}, which does not exist"));
        }

        PoolIndex? index = null;
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            var pool = _configuration.PoolContaining(address);
            if (pool is null)
            {
                return new Plan(new AllocationFailure(AllocationFailureReason.RequestedAddressNotInAnyPool, $"{address} is not in any address pool"));
            }

            if (request.Pool is { } name && !string.Equals(pool.Name, name, StringComparison.Ordinal))
            {
                return new Plan(new AllocationFailure(
                    AllocationFailureReason.RequestedAddressOutsidePinnedPool,
                    $"{address} is in pool {pool.Name}, not in pool {name} that the Service asks for"));
            }

            if (pool.Avoids(address))
            {
                return new Plan(new AllocationFailure(
                    AllocationFailureReason.RequestedAddressAvoided,
                    $"{address} ends in .0 or .255, which pool {pool.Name} avoids (avoid-buggy-ips)"));
            }

            if (!pool.Allows(request.Key.Namespace, request.NamespaceLabels, request.ServiceLabels, out var why))
            {
                return new Plan(new AllocationFailure(AllocationFailureReason.PoolNotAllowed, $"{address} is in pool {pool.Name}, but {why}"));
            }

            if (index is not null && index.Pool != pool)
            {
                return new Plan(new AllocationFailure(
                    AllocationFailureReason.RequestedAddressesInDifferentPools,
                    $"{addresses[0]} is in pool {index.Name} but {address} is in pool {pool.Name}; both addresses must come from one pool"));
            }

            index = _indexes[pool.Name];
            if (_holdings.TryGetValue(address, out var holding) && SharingRules.CheckCanJoin(holding, address, request) is { } conflict)
            {
                return new Plan(conflict);
            }
        }

        return new Plan(index!, addresses[0], addresses.Count == 2 ? addresses[1] : null);
    }

    private Plan PlanAutomatic(ServiceRequest request)
    {
        Span<(IPFamily First, IPFamily? Second)> options = stackalloc (IPFamily, IPFamily?)[3];
        var count = FamilyRules.Options(request, options, out var invalid);
        if (invalid is not null)
        {
            return new Plan(invalid);
        }

        AddressPool? pinned = null;
        if (request.Pool is { } name)
        {
            pinned = _configuration.Find(name);
            if (pinned is null)
            {
                return new Plan(new AllocationFailure(AllocationFailureReason.PinnedPoolNotFound, $"the Service asks for pool {name}, which does not exist"));
            }

            if (!pinned.Allows(request.Key.Namespace, request.NamespaceLabels, request.ServiceLabels, out var why))
            {
                return new Plan(new AllocationFailure(AllocationFailureReason.PoolNotAllowed, why!));
            }
        }

        for (var o = 0; o < count; o++)
        {
            var (first, second) = options[o];
            if (pinned is not null)
            {
                if (TryPlanIn(_indexes[pinned.Name], request, first, second, out var plan))
                {
                    return plan;
                }

                continue;
            }

            var pools = _configuration.PoolsInOrder;
            for (var p = 0; p < pools.Length; p++)
            {
                var pool = pools[p];
                if (pool.AutoAssign
                    && pool.Allows(request.Key.Namespace, request.NamespaceLabels, request.ServiceLabels, out _)
                    && TryPlanIn(_indexes[pool.Name], request, first, second, out var plan))
                {
                    return plan;
                }
            }
        }

        return new Plan(ExplainNoAddress(request, pinned, options[..count]));
    }

    private bool TryPlanIn(PoolIndex index, ServiceRequest request, IPFamily first, IPFamily? second, out Plan plan)
    {
        plan = default;
        if (!index.Pool.Has(first) || (second is { } s && !index.Pool.Has(s)))
        {
            return false;
        }

        if (!TryPick(index, request, first, out var a))
        {
            return false;
        }

        IPAddr? b = null;
        if (second is { } family)
        {
            if (!TryPick(index, request, family, out var picked))
            {
                return false;
            }

            b = picked;
        }

        plan = new Plan(index, a, b);
        return true;
    }

    // A Service with a sharing key first joins an address already shared under that key in this pool; else the lowest free one.
    private bool TryPick(PoolIndex index, ServiceRequest request, IPFamily family, out IPAddr address)
    {
        if (request.SharingKey is { } key && _shared.TryGetValue(key, out var shared))
        {
            foreach (var candidate in shared)
            {
                ref var holding = ref CollectionsMarshal.GetValueRefOrNullRef(_holdings, candidate);
                if (holding.Pool == index && candidate.Family == family && SharingRules.CheckCanJoin(holding, candidate, request) is null)
                {
                    address = candidate;
                    return true;
                }
            }
        }

        return index.TryPeekLowest(family, out address);
    }

    private AllocationFailure ExplainNoAddress(ServiceRequest request, AddressPool? pinned, ReadOnlySpan<(IPFamily First, IPFamily? Second)> options)
    {
        if (_configuration.Pools.Count == 0)
        {
            return new AllocationFailure(AllocationFailureReason.NoPoolsConfigured, "no address pools are configured");
        }

        var candidates = pinned is not null
            ? [pinned]
            : _configuration.Pools.Where(p => p.AutoAssign && p.Allows(request.Key.Namespace, request.NamespaceLabels, request.ServiceLabels, out _)).ToList();
        if (candidates.Count == 0)
        {
            var reasons = _configuration.Pools.Select(p => p.AutoAssign
                ? (p.Allows(request.Key.Namespace, request.NamespaceLabels, request.ServiceLabels, out var why) ? null : why)
                : $"pool {p.Name} has auto-assign off");
            return new AllocationFailure(
                AllocationFailureReason.NoEligiblePool,
                $"no pool can give {request.Key} an address automatically: {string.Join("; ", reasons.Where(r => r is not null))}");
        }

        var wanted = options[0];
        bool Fits(AddressPool p, (IPFamily First, IPFamily? Second) o) => p.Has(o.First) && (o.Second is not { } s || p.Has(s));
        var anyFits = false;
        foreach (var option in options)
        {
            anyFits |= candidates.Any(p => Fits(p, option));
        }

        var families = wanted.Second is { } second ? $"{wanted.First} and {second}" : wanted.First.ToString();
        var names = string.Join(", ", candidates.Select(p => p.Name));
        return anyFits
            ? new AllocationFailure(AllocationFailureReason.NoFreeAddress, $"no free {families} address in pool{(candidates.Count > 1 ? "s" : "")} {names}")
            : new AllocationFailure(
                AllocationFailureReason.FamilyPolicyUnsatisfiable,
                $"the Service needs {families} addresses from one pool, and no pool that serves it ({names}) has {(wanted.Second is null ? "them" : "both")}");
    }

    private Assignment Commit(ServiceRequest request, Plan plan)
    {
        var assignment = new Assignment(request, plan.Pool!.Name, plan.First, plan.Second);
        Hold(plan.First, plan.Pool, assignment);
        if (plan.Second is { } second)
        {
            Hold(second, plan.Pool, assignment);
        }

        _assignments[request.Key] = assignment;
        return assignment;
    }

    private void Hold(IPAddr address, PoolIndex index, Assignment assignment)
    {
        ref var holding = ref CollectionsMarshal.GetValueRefOrAddDefault(_holdings, address, out var exists);
        if (!exists)
        {
            var taken = index.TryTake(address);
            Debug.Assert(taken, "the address was planned as free");
            holding = new AddressHolding(index, assignment.Request.SharingKey, assignment.Request.BackendKey);
            Share(holding.SharingKey, address);
        }

        holding.Add(assignment);
    }

    private static bool SharingTermsDiffer(ServiceRequest before, ServiceRequest after) =>
        !string.Equals(before.SharingKey, after.SharingKey, StringComparison.Ordinal)
        || !string.Equals(before.BackendKey, after.BackendKey, StringComparison.Ordinal)
        || !before.Ports.SequenceEqual(after.Ports);

    private void Drop(Assignment assignment)
    {
        RetryRevision++;
        _assignments.Remove(assignment.Service);
        for (var i = 0; i < assignment.Count; i++)
        {
            var address = assignment[i];
            ref var holding = ref CollectionsMarshal.GetValueRefOrNullRef(_holdings, address);
            holding.Remove(assignment);
            if (holding.Count == 0)
            {
                var (pool, key) = (holding.Pool, holding.SharingKey);
                _holdings.Remove(address);
                Unshare(key, address);
                pool.Give(address);
            }
        }
    }

    private void Share(string? key, IPAddr address)
    {
        if (key is null)
        {
            return;
        }

        if (!_shared.TryGetValue(key, out var list))
        {
            _shared[key] = list = [];
        }

        list.Add(address);
    }

    private void Unshare(string? key, IPAddr address)
    {
        if (key is not null && _shared.TryGetValue(key, out var list))
        {
            list.Remove(address);
            if (list.Count == 0)
            {
                _shared.Remove(key);
            }
        }
    }
}
