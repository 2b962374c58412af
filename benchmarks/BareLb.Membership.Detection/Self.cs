namespace BareLb.Membership.Detection;

/// <summary>How to start this program again as a child: the apphost, or <c>dotnet</c> with this assembly.</summary>
internal static class Self
{
    public static string Program { get; } = Environment.ProcessPath ?? "dotnet";

    public static IReadOnlyList<string> Arguments { get; } =
        Path.GetFileNameWithoutExtension(Program) == "dotnet" ? [typeof(Self).Assembly.Location] : [];
}
