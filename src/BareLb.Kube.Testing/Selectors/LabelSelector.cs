using System.Text.Json;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Selectors;

/// <summary>A parsed label selector: <c>a=b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>.</summary>
internal sealed class LabelSelector
{
    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEmpty => _requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
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
        if (_requirements.Count == 0)
        {
            return true;
        }

        var hasLabels = Json.TryAt(obj, ["metadata", "labels"], out var labels) && labels.ValueKind == JsonValueKind.Object;
        return Matches(key => hasLabels && labels.TryGetProperty(key, out var value) ? Json.Scalar(value) : null);
    }

    private bool Matches(Func<string, string?> label)
    {
        foreach (var r in _requirements)
        {
            var value = label(r.Key);
            var has = value is not null;
            var ok = r.Op switch
            {
                Op.Exists => has,
                Op.NotExists => !has,
                Op.In => has && r.Values.Contains(value!),
                Op.NotIn => !has || !r.Values.Contains(value!),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static Requirement ParseTerm(string term, string whole)
    {
        if (term.StartsWith('!'))
        {
            return new Requirement(term[1..].Trim(), Op.NotExists, []);
        }

        var notin = term.IndexOf(" notin ", StringComparison.Ordinal);
        if (notin > 0)
        {
            return new Requirement(term[..notin].Trim(), Op.NotIn, SetValues(term[(notin + 7)..], whole));
        }

        var inIndex = term.IndexOf(" in ", StringComparison.Ordinal);
        if (inIndex > 0)
        {
            return new Requirement(term[..inIndex].Trim(), Op.In, SetValues(term[(inIndex + 4)..], whole));
        }

        var ne = term.IndexOf("!=", StringComparison.Ordinal);
        if (ne > 0)
        {
            return new Requirement(term[..ne].Trim(), Op.NotIn, [term[(ne + 2)..].Trim()]);
        }

        var eq = term.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            var value = term[(eq + 1)..].TrimStart('=').Trim();
            return new Requirement(term[..eq].Trim(), Op.In, [value]);
        }

        if (term.Contains(' ', StringComparison.Ordinal) || term.Contains('(', StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"unable to parse requirement: found '{term}' in label selector \"{whole}\"");
        }

        return new Requirement(term, Op.Exists, []);
    }

    private static HashSet<string> SetValues(string text, string whole)
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

    private enum Op
    {
        In,
        NotIn,
        Exists,
        NotExists,
    }

    private sealed record Requirement(string Key, Op Op, HashSet<string> Values);
}
