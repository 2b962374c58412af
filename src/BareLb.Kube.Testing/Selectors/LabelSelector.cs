using System.Text.Json;
using BareLb.Core.Selectors;
using BareLb.Kube.Testing.Storage;
using CoreLabelSelector = BareLb.Core.Selectors.LabelSelector;

namespace BareLb.Kube.Testing.Selectors;

/// <summary>
/// The <c>labelSelector</c> query parameter: its text form (<c>a=b</c>, <c>a!=b</c>, <c>a in (x,y)</c>,
/// <c>a notin (x)</c>, <c>a</c>, <c>!a</c>) parsed into BareLb.Core's selector, which does the matching (one
/// label selector engine for all of BareLb).
/// </summary>
internal sealed class LabelSelector
{
    private readonly CoreLabelSelector _selector;

    private LabelSelector(List<LabelSelectorRequirement> requirements) => _selector = new CoreLabelSelector(matchExpressions: requirements);

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _selector.IsEmpty;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<LabelSelectorRequirement>();
        foreach (var part in SplitTopLevel(text))
        {
            var term = part.Trim();
            if (term.Length == 0)
            {
                continue;
            }

            requirements.Add(ParseTerm(term, text));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonElement obj)
    {
        if (_selector.IsEmpty)
        {
            return true;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Json.TryAt(obj, ["metadata", "labels"], out var found) && found.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in found.EnumerateObject())
            {
                if (Json.Scalar(label.Value) is { } value)
                {
                    labels[label.Name] = value;
                }
            }
        }

        return _selector.Matches(labels);
    }

    private static LabelSelectorRequirement ParseTerm(string term, string whole)
    {
        if (term.StartsWith('!'))
        {
            return new LabelSelectorRequirement(term[1..].Trim(), SelectorOperator.DoesNotExist, []);
        }

        var notin = term.IndexOf(" notin ", StringComparison.Ordinal);
        if (notin > 0)
        {
            return new LabelSelectorRequirement(term[..notin].Trim(), SelectorOperator.NotIn, SetValues(term[(notin + 7)..], whole));
        }

        var inIndex = term.IndexOf(" in ", StringComparison.Ordinal);
        if (inIndex > 0)
        {
            return new LabelSelectorRequirement(term[..inIndex].Trim(), SelectorOperator.In, SetValues(term[(inIndex + 4)..], whole));
        }

        var ne = term.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            return new LabelSelectorRequirement(term[..ne].Trim(), SelectorOperator.NotIn, [term[(ne + 2)..].Trim()]);
        }

        var eq = term.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            var value = term[(eq + 1)..].TrimStart('=').Trim();
            return new LabelSelectorRequirement(term[..eq].Trim(), SelectorOperator.In, [value]);
        }

        if (term.Contains(' ', StringComparison.Ordinal) || term.Contains('(', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{term}' in label selector \"{whole}\"");
        }

        return new LabelSelectorRequirement(term, SelectorOperator.Exists, []);
    }

    private static string[] SetValues(string text, string whole)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('(') || !trimmed.EndsWith(')'))
        {
            throw ApiException.BadRequest($"unable to parse requirement: expected a parenthesised set in label selector \"{whole}\"");
        }

        return [.. trimmed[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
