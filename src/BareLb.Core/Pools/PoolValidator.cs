using BareLb.Core.Addresses;
using BareLb.Core.Selectors;

namespace BareLb.Core.Pools;

/// <summary>Checks a whole set of pool specs and reports every problem with its object and field.</summary>
internal static class PoolValidator
{
    public static (List<AddressPool> Pools, List<ConfigurationError> Errors) Validate(IReadOnlyList<AddressPoolSpec> specs)
    {
        var errors = new List<ConfigurationError>();
        var pools = new List<AddressPool>();
        var seen = new Dictionary<string, AddressPoolSpec>(StringComparer.Ordinal);
        var owned = new List<(IPRange Range, AddressPoolSpec Spec, int Index)>();

        foreach (var spec in specs)
        {
            var before = errors.Count;
            void Fail(string field, string message) => errors.Add(new ConfigurationError(spec.Source.Kind, ObjectName(spec), field, message));

            // MetalLB checks only that a name is there: legacy pool names were free text, and an object's name
            // is the API server's business.
            if (string.IsNullOrEmpty(spec.Name))
            {
                Fail(spec.Source.Field("name"), "a pool needs a name");
            }
            else if (seen.TryGetValue(spec.Name, out var first))
            {
                var where = first.Source.FieldPrefix is "" or "spec" ? $"{first.Source.Kind} {ObjectName(first)}" : $"{first.Source.FieldPrefix} of {first.Source.Kind} {ObjectName(first)}";
                Fail(spec.Source.Field("name"), $"the pool name {spec.Name} is used twice (also by {where}): rename one");
            }
            else
            {
                seen.Add(spec.Name, spec);
            }

            var ranges = new List<IPRange>();
            if (spec.Addresses.Count == 0)
            {
                Fail(spec.Source.Field("addresses"), "a pool needs at least one address, range or CIDR");
            }

            for (var i = 0; i < spec.Addresses.Count; i++)
            {
                var field = spec.Source.Field($"addresses[{i}]");
                var text = spec.Addresses[i] ?? "";
                if (!IPRange.TryParse(text, out var range, out var why))
                {
                    Fail(field, why);
                    continue;
                }

                // MetalLB reads "first-last" (each side trimmed) or a CIDR (as written); one bare address is neither.
                if (!text.Contains('-', StringComparison.Ordinal))
                {
                    if (!text.Contains('/', StringComparison.Ordinal))
                    {
                        var suffix = range.Family == IPFamily.IPv4 ? "32" : "128";
                        Fail(field, $"'{text.Trim()}' is one address, not a CIDR or a range: write {text.Trim()}/{suffix}");
                        continue;
                    }

                    if (text.Trim().Length != text.Length)
                    {
                        Fail(field, $"'{text}' has spaces around the CIDR: write '{text.Trim()}'");
                        continue;
                    }
                }

                if (range.Family == IPFamily.IPv6 && range.Count == UInt128.MaxValue)
                {
                    Fail(field, "a pool may not hold the whole IPv6 address space");
                    continue;
                }

                ranges.Add(range);
                owned.Add((range, spec, i));
            }

            CheckAllocation(spec, Fail);
            if (errors.Count == before)
            {
                pools.Add(new AddressPool(spec, [.. ranges.OrderBy(r => r.First)]));
            }
        }

        CheckOverlaps(owned, errors);
        return (pools, errors);
    }

    private static void CheckAllocation(AddressPoolSpec spec, Action<string, string> fail)
    {
        if (spec.ServiceAllocation is not { } allocation)
        {
            return;
        }

        var prefix = spec.Source.Field("serviceAllocation");
        if (allocation.Priority is < 0)
        {
            fail($"{prefix}.priority", $"priority {allocation.Priority} is negative; 0 is the highest priority");
        }

        for (var i = 0; i < allocation.Namespaces.Count; i++)
        {
            var first = allocation.Namespaces.Take(i).ToList().IndexOf(allocation.Namespaces[i]) is var f and >= 0 ? f : i;
            if (LabelSyntax.CheckDnsLabel(allocation.Namespaces[i]) is { } bad)
            {
                fail($"{prefix}.namespaces[{i}]", $"invalid namespace name: {bad}");
            }
            else if (first < i)
            {
                fail($"{prefix}.namespaces[{i}]", $"namespace {allocation.Namespaces[i]} is listed twice (also namespaces[{first}]): remove one");
            }
        }

        CheckSelectors(allocation.NamespaceSelectors, $"{prefix}.namespaceSelectors", fail);
        CheckSelectors(allocation.ServiceSelectors, $"{prefix}.serviceSelectors", fail);
    }

    private static void CheckSelectors(IReadOnlyList<LabelSelector> selectors, string prefix, Action<string, string> fail)
    {
        for (var i = 0; i < selectors.Count; i++)
        {
            foreach (var (field, message) in selectors[i].Validate())
            {
                fail($"{prefix}[{i}].{field}", $"invalid selector: {message}");
            }
        }
    }

    // Sweep the ranges in address order; a range that starts before the furthest end seen so far overlaps the owner of that end.
    private static void CheckOverlaps(List<(IPRange Range, AddressPoolSpec Spec, int Index)> owned, List<ConfigurationError> errors)
    {
        owned.Sort((a, b) => a.Range.First.CompareTo(b.Range.First));
        (IPRange Range, AddressPoolSpec Spec, int Index)? furthest = null;
        foreach (var current in owned)
        {
            if (furthest is { } previous && previous.Range.TryIntersect(current.Range, out var shared))
            {
                var other = ReferenceEquals(previous.Spec, current.Spec)
                    ? $"its own addresses[{previous.Index}] ({previous.Spec.Addresses[previous.Index]})"
                    : $"pool {previous.Spec.Name} ({previous.Spec.Source.Kind} {ObjectName(previous.Spec)}, {previous.Spec.Addresses[previous.Index]})";
                errors.Add(new ConfigurationError(
                    current.Spec.Source.Kind,
                    ObjectName(current.Spec),
                    current.Spec.Source.Field($"addresses[{current.Index}]"),
                    $"{current.Spec.Addresses[current.Index]} of pool {current.Spec.Name} overlaps {other}: {shared} is in both"));
                if (!ReferenceEquals(previous.Spec, current.Spec))
                {
                    // Either pool may be the one to fix, so each is told, naming the other.
                    errors.Add(new ConfigurationError(
                        previous.Spec.Source.Kind,
                        ObjectName(previous.Spec),
                        previous.Spec.Source.Field($"addresses[{previous.Index}]"),
                        $"{previous.Spec.Addresses[previous.Index]} of pool {previous.Spec.Name} overlaps pool {current.Spec.Name} ({current.Spec.Source.Kind} {ObjectName(current.Spec)}, {current.Spec.Addresses[current.Index]}): {shared} is in both"));
                }
            }

            if (furthest is null || current.Range.Family != furthest.Value.Range.Family || current.Range.Last > furthest.Value.Range.Last)
            {
                furthest = current;
            }
        }
    }

    private static string ObjectName(AddressPoolSpec spec) => spec.Source.ObjectName ?? spec.Name;
}
