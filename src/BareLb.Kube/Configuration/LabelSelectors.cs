using BareLb.Core.Selectors;
using k8s.Models;

namespace BareLb.Kube.Configuration;

/// <summary>Turns Kubernetes label selectors into Core's, reporting what cannot be turned.</summary>
internal static class LabelSelectors
{
    /// <summary>The Core selector, or null after adding the reasons (field, message) to <paramref name="errors"/>.</summary>
    public static LabelSelector? Convert(V1LabelSelector? selector, string field, List<(string Field, string Message)> errors)
    {
        if (selector is null)
        {
            return LabelSelector.Everything;
        }

        var requirements = new List<LabelSelectorRequirement>();
        var ok = true;
        var expressions = selector.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            var expression = expressions[i];
            if (expression is null)
            {
                errors.Add(($"{field}.matchExpressions[{i}]", "is empty (null): write key, operator and values, or remove the entry"));
                ok = false;
                continue;
            }

            if (!LabelSelectorRequirement.TryParseOperator(expression.OperatorProperty, out var op))
            {
                errors.Add(($"{field}.matchExpressions[{i}].operator", $"unknown operator \"{expression.OperatorProperty}\": use In, NotIn, Exists or DoesNotExist"));
                ok = false;
                continue;
            }

            requirements.Add(new LabelSelectorRequirement(expression.Key ?? "", op, [.. (expression.Values ?? []).Select(v => v ?? "")]));
        }

        if (!ok)
        {
            return null;
        }

        var converted = new LabelSelector(selector.MatchLabels is { } labels ? labels.ToDictionary(l => l.Key, l => l.Value ?? "", StringComparer.Ordinal) : null, requirements);
        var before = errors.Count;
        foreach (var (inner, message) in converted.Validate())
        {
            errors.Add(($"{field}.{inner}", message));
        }

        return errors.Count == before ? converted : null;
    }

    /// <summary>
    /// Converts a list of selectors; null entries in the result are left out. With <paramref name="unique"/>, as
    /// MetalLB v0.13 and later do, a selector given twice, an expression given twice in one selector, and a value
    /// given twice in one expression are errors that name the other entry.
    /// </summary>
    public static List<LabelSelector> ConvertAll(IList<V1LabelSelector>? selectors, string field, List<(string Field, string Message)> errors, bool unique = true)
    {
        var result = new List<LabelSelector>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (selectors?.Count ?? 0); i++)
        {
            var selector = selectors![i];
            if (unique && selector is not null)
            {
                CheckUnique(selector, $"{field}[{i}]", errors);
                if (!seen.TryAdd(KeyOf(selector), i))
                {
                    errors.Add(($"{field}[{i}]", $"is the same selector as {field}[{seen[KeyOf(selector)]}]: remove one"));
                    continue;
                }
            }

            if (Convert(selector, $"{field}[{i}]", errors) is { } converted)
            {
                result.Add(converted);
            }
        }

        return result;
    }

    private static void CheckUnique(V1LabelSelector selector, string field, List<(string Field, string Message)> errors)
    {
        var expressions = selector.MatchExpressions ?? [];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < expressions.Count; i++)
        {
            if (expressions[i] is not { } expression)
            {
                continue;
            }

            var values = expression.Values ?? [];
            for (var j = 0; j < values.Count; j++)
            {
                var first = values.IndexOf(values[j]);
                if (first < j)
                {
                    errors.Add(($"{field}.matchExpressions[{i}].values[{j}]", $"\"{values[j]}\" is listed twice (also values[{first}]): remove one"));
                }
            }

            if (!seen.TryAdd(KeyOf(expression), i))
            {
                errors.Add(($"{field}.matchExpressions[{i}]", $"is the same expression as matchExpressions[{seen[KeyOf(expression)]}]: remove one"));
            }
        }
    }

    // Values are compared as a set, as MetalLB sorts them before comparing selectors.
    private static string KeyOf(V1LabelSelectorRequirement expression) =>
        $"{expression.Key}\u0001{expression.OperatorProperty}\u0001{string.Join('\u0002', (expression.Values ?? []).Order(StringComparer.Ordinal))}";

    private static string KeyOf(V1LabelSelector selector) =>
        string.Join('\u0003', (selector.MatchLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))
        + "\u0004" + string.Join('\u0003', (selector.MatchExpressions ?? []).Where(e => e is not null).Select(KeyOf));
}
