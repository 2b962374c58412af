namespace BareLb.Core.Selectors;

/// <summary>One <c>matchExpressions</c> entry of a label selector.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator">How the key's value is tested.</param>
/// <param name="Values">The values for <see cref="SelectorOperator.In"/> and <see cref="SelectorOperator.NotIn"/>; empty otherwise.</param>
public sealed record LabelSelectorRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Whether a set of labels satisfies this requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.In => present && Contains(value!),
            SelectorOperator.NotIn => !present || !Contains(value!),
            SelectorOperator.Exists => present,
            SelectorOperator.DoesNotExist => !present,
            _ => false,
        };
    }

    /// <summary>Parses an operator as Kubernetes spells it ("In", "NotIn", "Exists", "DoesNotExist").</summary>
    public static bool TryParseOperator(string? text, out SelectorOperator result)
    {
        (var ok, result) = text switch
        {
            "In" => (true, SelectorOperator.In),
            "NotIn" => (true, SelectorOperator.NotIn),
            "Exists" => (true, SelectorOperator.Exists),
            "DoesNotExist" => (true, SelectorOperator.DoesNotExist),
            _ => (false, SelectorOperator.In),
        };
        return ok;
    }

    private bool Contains(string value)
    {
        foreach (var candidate in Values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
