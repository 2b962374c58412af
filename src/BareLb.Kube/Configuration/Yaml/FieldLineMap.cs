namespace BareLb.Kube.Configuration.Yaml;

/// <summary>
/// The line of every field of a YAML document, keyed by its path ("spec.addresses[1]"), so that an error
/// found later, after the YAML is gone, can still point at the line to fix.
/// </summary>
internal sealed class FieldLineMap
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public FieldLineMap(int documentLine) => DocumentLine = documentLine;

    /// <summary>The first line of the document (1-based), used when no field matches.</summary>
    public int DocumentLine { get; }

    public void Add(string path, int line) => _lines.TryAdd(path, line);

    private readonly Dictionary<string, int> _blockContent = new(StringComparer.Ordinal);

    /// <summary>Records that the field is a literal or folded block scalar whose first content line is <paramref name="line"/>.</summary>
    public void AddBlockContent(string path, int line) => _blockContent.TryAdd(path, line);

    /// <summary>The line before the first content line of a block scalar field, or its own line for other scalars.</summary>
    public int ContentOffsetOf(string path) => _blockContent.TryGetValue(path, out var line) ? line - 1 : LineOf(path) - 1;

    /// <summary>The line of the field, or of its closest ancestor that the document holds.</summary>
    public int LineOf(string path)
    {
        var current = path;
        while (current.Length > 0)
        {
            if (_lines.TryGetValue(current, out var line))
            {
                return line;
            }

            current = Parent(current);
        }

        return DocumentLine;
    }

    private static string Parent(string path)
    {
        var dot = path.LastIndexOf('.');
        var bracket = path.LastIndexOf('[');
        var cut = Math.Max(dot, bracket);
        return cut <= 0 ? "" : path[..cut];
    }
}
