namespace BareLb.Testing.Support;

/// <summary>
/// The MetalLB guide the project follows (<c>../shared/scenario/metallb-tutorial.md</c> beside the repository), read
/// once per test run. Tests take the guide's configuration from here instead of keeping copies of it.
/// </summary>
public static class Guide
{
    /// <summary>The guide's file name.</summary>
    public const string FileName = "metallb-tutorial.md";

    private static readonly Lazy<string> Text = new(() => File.ReadAllText(Locate()));
    private static readonly Lazy<string> Config = new(() => CodeBlockAfter(Text.Value, "#### metallb_config.yaml"));

    /// <summary>The guide's <c>metallb_config.yaml</c> (the legacy ConfigMap <c>config</c> in <c>metallb-system</c>), verbatim, ending in a newline.</summary>
    public static string MetalLbConfigYaml => Config.Value;

    /// <summary>The guide's whole text.</summary>
    public static string Markdown => Text.Value;

    /// <summary>
    /// The guide's path: <c>BARELB_SCENARIO_DIR</c> when set, else <c>shared/scenario/</c> in the nearest directory
    /// above the test binaries that has one (the repository's parent for a checkout beside <c>shared/</c>).
    /// </summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("BARELB_SCENARIO_DIR") is { Length: > 0 } dir)
        {
            return Path.Combine(dir, FileName);
        }

        for (var at = new DirectoryInfo(AppContext.BaseDirectory); at is not null; at = at.Parent)
        {
            var candidate = Path.Combine(at.FullName, "shared", "scenario", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

        }

        throw new FileNotFoundException($"{FileName} was not found in shared/scenario/ above {AppContext.BaseDirectory}; set BARELB_SCENARIO_DIR to the guide's directory");
    }

    // The first fenced code block after the heading, without its fences.
    private static string CodeBlockAfter(string markdown, string heading)
    {
        var at = markdown.IndexOf(heading, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidDataException($"{FileName} has no heading '{heading}'");
        }

        var open = markdown.IndexOf("```", at, StringComparison.Ordinal);
        var start = markdown.IndexOf('\n', open) + 1;
        var close = markdown.IndexOf("\n```", start, StringComparison.Ordinal);
        if (open < 0 || start <= 0 || close < 0)
        {
            throw new InvalidDataException($"{FileName}: no code block after '{heading}'");
        }

        return markdown[start..close].Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }
}
