namespace BareLb.Testing.Support;

/// <summary>The checkout the tests run from: the folder holding <c>BareLb.sln</c> above the test binaries.</summary>
public static class Repository
{
    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The checkout's root folder.</summary>
    public static string Root => Found.Value;

    /// <summary>
    /// <c>barelb.dll</c> in the tool's own build output, of the configuration and framework these tests were built
    /// for: run from there, it finds its own dependencies whichever client library the tests reference.
    /// </summary>
    public static string ToolAssembly
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = framework.Parent!.Name;
            return Path.Combine(Root, "src", "BareLb.Hosts", "BareLb.Tool", "bin", configuration, framework.Name, "barelb.dll");
        }
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BareLb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no BareLb.sln above {AppContext.BaseDirectory}");
    }
}
