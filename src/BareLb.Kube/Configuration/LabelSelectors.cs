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
            if (!LabelSelectorRequirement.TryParseOperator(expression.OperatorProperty, out var op))
            {
                errors.Add(($"{field}.matchExpressions[{i}].operator", $"unknown operator \"{expression.OperatorProperty}\": use In, NotIn, Exists or DoesNotExist"));
                ok = false;
                continue;
            }

            requirements.Add(new LabelSelectorRequirement(expression.Key ?? "", op, [.. expression.Values ?? []]));
        }

        if (!ok)
        {
            return null;
        }

        var converted = new LabelSelector(selector.MatchLabels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : null, requirements);
        var before = errors.Count;
        foreach (var (inner, message) in converted.Validate())
        {
            errors.Add(($"{field}.{inner}", message));
        }

        return errors.Count == before ? converted : null;
    }

    /// <summary>Converts a list of selectors; null entries in the result are left out.</summary>
    public static List<LabelSelector> ConvertAll(IList<V1LabelSelector>? selectors, string field, List<(string Field, string Message)> errors)
    {
        var result = new List<LabelSelector>();
        for (var i = 0; i < (selectors?.Count ?? 0); i++)
        {
            if (Convert(selectors![i], $"{field}[{i}]", errors) is { } selector)
            {
                result.Add(selector);
            }
        }

        return result;
    }
}
