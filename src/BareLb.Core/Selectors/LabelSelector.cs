namespace BareLb.Core.Selectors;

/// <summary>
/// A Kubernetes label selector: every <c>matchLabels</c> pair and every <c>matchExpressions</c>
/// requirement must hold. An empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>Creates a selector.</summary>
    public LabelSelector(IReadOnlyDictionary<string, string>? matchLabels = null, IReadOnlyList<LabelSelectorRequirement>? matchExpressions = null)
    {
        MatchLabels = matchLabels ?? NoLabels;
        MatchExpressions = matchExpressions ?? [];
    }

    /// <summary>A selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new();

    /// <summary>Labels that must be present with exactly these values.</summary>
    public IReadOnlyDictionary<string, string> MatchLabels { get; }

    /// <summary>Requirements that must all hold.</summary>
    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get; }

    /// <summary>Whether the selector has no terms (and so matches everything).</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>Whether a set of labels satisfies every term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        foreach (var requirement in MatchExpressions)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Checks keys, values and operators as the API server would, returning one message per
    /// problem with the field it concerns, relative to the selector ("matchLabels[app]", ...).
    /// </summary>
    public IReadOnlyList<(string Field, string Message)> Validate()
    {
        var problems = new List<(string, string)>();
        foreach (var (key, value) in MatchLabels)
        {
            if (LabelSyntax.CheckKey(key) is { } badKey)
            {
                problems.Add(($"matchLabels[{key}]", badKey));
            }

            if (LabelSyntax.CheckValue(value) is { } badValue)
            {
                problems.Add(($"matchLabels[{key}]", badValue));
            }
        }

        for (var i = 0; i < MatchExpressions.Count; i++)
        {
            var requirement = MatchExpressions[i];
            var field = $"matchExpressions[{i}]";
            if (LabelSyntax.CheckKey(requirement.Key) is { } badKey)
            {
                problems.Add(($"{field}.key", badKey));
            }

            switch (requirement.Operator)
            {
                case SelectorOperator.In or SelectorOperator.NotIn when requirement.Values.Count == 0:
                    problems.Add(($"{field}.values", $"operator {requirement.Operator} needs at least one value"));
                    break;
                case SelectorOperator.Exists or SelectorOperator.DoesNotExist when requirement.Values.Count > 0:
                    problems.Add(($"{field}.values", $"operator {requirement.Operator} takes no values"));
                    break;
                default:
                    break;
            }

            for (var v = 0; v < requirement.Values.Count; v++)
            {
                if (LabelSyntax.CheckValue(requirement.Values[v]) is { } badValue)
                {
                    problems.Add(($"{field}.values[{v}]", badValue));
                }
            }
        }

        return problems;
    }
}
