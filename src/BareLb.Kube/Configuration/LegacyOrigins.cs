using System.Diagnostics.CodeAnalysis;
using System.Text;
using BareLb.Core.Pools;

namespace BareLb.Kube.Configuration;

/// <summary>
/// Where each object converted from the legacy ConfigMap came from, so that a problem found on the
/// converted object is reported on the ConfigMap, at the legacy field ("peers[0].hold-time").
/// </summary>
internal sealed class LegacyOrigins
{
    public const string Kind = "ConfigMap";

    private readonly Dictionary<(string Kind, string Name), string> _prefixes = [];

    public LegacyOrigins(string objectName) => ObjectName = objectName;

    /// <summary>"namespace/name" of the ConfigMap.</summary>
    public string ObjectName { get; }

    private readonly Dictionary<(string Kind, string Name, string Field), string> _fields = [];

    public void Add(string kind, string name, string prefix) => _prefixes[(kind, name)] = prefix;

    /// <summary>Maps one field of a converted object to a legacy field whose path is not derived by spelling alone.</summary>
    public void AddField(string kind, string name, string field, string legacyField) => _fields[(kind, name, field)] = legacyField;

    public ConfigurationSource? PoolSource(string poolName) =>
        _prefixes.TryGetValue(("IPAddressPool", poolName), out var prefix) ? new ConfigurationSource(Kind, ObjectName, prefix) : null;

    /// <summary>The legacy field for a field of a converted object: "spec.holdTime" of peer i becomes "peers[i].hold-time".</summary>
    public bool TryMap(string kind, string name, string field, [NotNullWhen(true)] out string? mapped)
    {
        if (_fields.TryGetValue((kind, name, field), out mapped))
        {
            return true;
        }

        mapped = null;
        if (!_prefixes.TryGetValue((kind, name), out var prefix))
        {
            return false;
        }

        var inner = field.StartsWith("spec.", StringComparison.Ordinal) ? field[5..] : field == "spec" || field.StartsWith("metadata", StringComparison.Ordinal) ? "" : field;
        mapped = inner.Length == 0 ? prefix : prefix.Length == 0 ? Kebab(inner) : $"{prefix}.{Kebab(inner)}";
        return true;
    }

    private static string Kebab(string camel)
    {
        var builder = new StringBuilder(camel.Length + 8);
        for (var i = 0; i < camel.Length; i++)
        {
            var c = camel[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(camel[i - 1]))
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString()
            .Replace("ebgp-multi-hop", "ebgp-multihop", StringComparison.Ordinal)
            .Replace("local-pref", "localpref", StringComparison.Ordinal);
    }
}
