using BareLb.Kube.Configuration.Yaml;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>Parses the text under key <c>config</c> strictly, as MetalLB does: unknown keys and wrong types are errors.</summary>
internal static class LegacyConfigParser
{
    /// <summary>The parsed document, or null; problems name the ConfigMap and the legacy field.</summary>
    /// <param name="text">The configuration document.</param>
    /// <param name="lineOffset">Lines before the document's first line in the file it came from (0 when none).</param>
    /// <param name="objectName">"namespace/name" of the ConfigMap.</param>
    /// <param name="problems">Where problems go.</param>
    /// <param name="lines">The line of each field, for placing later problems.</param>
    public static LegacyConfigFile? Parse(string text, int lineOffset, string objectName, List<ConfigurationProblem> problems, out FieldLineMap lines)
    {
        lines = new FieldLineMap(lineOffset + 1);
        void Fail(string field, string message, int? line) =>
            problems.Add(new ConfigurationProblem(ProblemSeverity.Error, LegacyOrigins.Kind, objectName, field, message) { Line = line });

        if (!YamlDocumentReader.TryRead(text, lineOffset, out var documents, out var syntax))
        {
            Fail("data.config", syntax!.Value.Message, syntax.Value.Line);
            return null;
        }

        if (documents.Count > 1)
        {
            Fail("data.config", "holds several YAML documents; MetalLB reads one", documents[1].Lines.DocumentLine);
            return null;
        }

        if (documents.Count == 0 || documents[0].Root is null)
        {
            return new LegacyConfigFile();
        }

        lines = documents[0].Lines;
        var errors = new List<(string Field, string Message)>();
        var file = StrictBinder.Bind<LegacyConfigFile>(documents[0].Root, "", scalarsAsStrings: true, errors);
        foreach (var (field, message) in errors)
        {
            Fail(field, message, lines.LineOf(field));
        }

        return file;
    }
}
