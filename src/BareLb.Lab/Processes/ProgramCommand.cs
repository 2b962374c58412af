namespace BareLb.Lab.Processes;

/// <summary>
/// How to start a program: the file and the arguments that come before the program's own, so that one launcher serves
/// a built apphost (<c>bin/Release/net10.0/barelb</c>, no leading arguments) and an assembly run by the host
/// (<c>dotnet barelb.dll</c>).
/// </summary>
/// <param name="File">The program or host to execute.</param>
/// <param name="LeadingArguments">The arguments placed before the program's own.</param>
public sealed record ProgramCommand(string File, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>An apphost or any other executable, started as it is.</summary>
    /// <param name="file">The executable's path (or a name found on PATH).</param>
    public static ProgramCommand Executable(string file) => new(file, []);

    /// <summary>A .NET assembly run by <c>dotnet</c>.</summary>
    /// <param name="assembly">The assembly's path.</param>
    public static ProgramCommand Dotnet(string assembly) => new("dotnet", [assembly]);

    /// <summary>The full argument list: the leading arguments, then <paramref name="arguments"/>.</summary>
    /// <param name="arguments">The program's own arguments.</param>
    public IReadOnlyList<string> Arguments(IEnumerable<string> arguments) => [.. LeadingArguments, .. arguments];
}
