using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration.Source;

/// <summary>One condition BareLb sets on a configuration object, before its transition time is known.</summary>
/// <param name="Type">"Accepted" or "Advertised".</param>
/// <param name="Status">True or false.</param>
/// <param name="Reason">A CamelCase reason.</param>
/// <param name="Message">What a person should know.</param>
internal readonly record struct ConditionState(string Type, bool Status, string Reason, string Message);

/// <summary>
/// Derives each configuration object's conditions from a configuration read: <c>Accepted</c> is true when the
/// configuration holding the object is in force, false with the object's own errors, or false naming the other
/// objects whose errors keep the configuration out; IPAddressPools also get <c>Advertised</c>, false when no
/// advertisement selects the pool.
/// </summary>
internal static class ConfigurationConditions
{
    /// <summary>The condition types.</summary>
    public const string Accepted = "Accepted";

    /// <summary>Whether an advertisement selects a pool.</summary>
    public const string Advertised = "Advertised";

    private const int MaxMessage = 1024;

    public static IReadOnlyList<ConditionState> For(string kind, string name, MetalLbConfiguration read, bool ignoredForConfigMap)
    {
        ArgumentNullException.ThrowIfNull(read);
        var conditions = new List<ConditionState>(2) { AcceptedFor(kind, name, read, ignoredForConfigMap) };
        if (string.Equals(kind, IPAddressPool.KindName, StringComparison.Ordinal))
        {
            conditions.Add(read.UnadvertisedPools.Contains(name, StringComparer.Ordinal)
                ? new ConditionState(Advertised, false, "NoAdvertisement", $"addresses from pool {name} will not be announced: no L2Advertisement or BGPAdvertisement selects it")
                : new ConditionState(Advertised, true, "Selected", "an advertisement selects the pool"));
        }

        return conditions;
    }

    private static ConditionState AcceptedFor(string kind, string name, MetalLbConfiguration read, bool ignoredForConfigMap)
    {
        var own = read.Errors.Where(p => string.Equals(p.Kind, kind, StringComparison.Ordinal) && string.Equals(p.ObjectName, name, StringComparison.Ordinal)).ToList();
        if (own.Count > 0)
        {
            return new ConditionState(Accepted, false, "Invalid", Clip($"{Join(own.Select(p => p.Field.Length == 0 ? p.Message : $"{p.Field}: {p.Message}"))}; the last valid configuration stays in force"));
        }

        if (!read.IsValid)
        {
            return new ConditionState(Accepted, false, "ConfigurationInvalid", Clip($"not in force, because of errors in other objects: {Join(read.Errors.Select(p => p.Describe()))}; the last valid configuration stays in force"));
        }

        return ignoredForConfigMap
            ? new ConditionState(Accepted, true, "Accepted", "in force; the legacy ConfigMap is ignored while metallb.io objects exist")
            : new ConditionState(Accepted, true, "Accepted", "in force");
    }

    private static string Join(IEnumerable<string> parts) => string.Join("; ", parts.Take(5));

    private static string Clip(string message) => message.Length <= MaxMessage ? message : string.Concat(message.AsSpan(0, MaxMessage - 3), "...");
}
