using System.Text.Json;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Selectors;

/// <summary>
/// A parsed field selector (<c>a.b=c</c>, <c>a.b==c</c>, <c>a.b!=c</c>, comma separated). Any dotted path is
/// evaluated against the object, which covers <c>metadata.name</c>, <c>metadata.namespace</c>,
/// <c>involvedObject.*</c> for events, <c>spec.nodeName</c> for pods and so on.
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string[] Path, string Value, bool Equal)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The name a <c>metadata.name=x</c> term pins, if any: lets a get-style watch skip other objects.</summary>
    public string? Name { get; private init; }

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string[] Path, string Value, bool Equal)>();
        string? name = null;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ne = raw.IndexOf("!=", StringComparison.Ordinal);
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (ne > 0)
            {
                terms.Add((raw[..ne].Split('.'), raw[(ne + 2)..], false));
            }
            else if (eq > 0)
            {
                var field = raw[..eq];
                var value = raw[(eq + 1)..].TrimStart('=');
                terms.Add((field.Split('.'), value, true));
                if (field == "metadata.name")
                {
                    name = value;
                }
            }
            else
            {
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{raw}'");
            }
        }

        return new FieldSelector(terms) { Name = name };
    }

    public bool Matches(JsonElement obj)
    {
        foreach (var (path, value, equal) in _terms)
        {
            var actual = Json.TryAt(obj, path, out var element) ? Json.Scalar(element) ?? string.Empty : string.Empty;
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
