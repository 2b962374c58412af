namespace BareLb.Tool.Commands;

/// <summary>One <c>barelb</c> subcommand.</summary>
internal interface ICommand
{
    /// <summary>The words that select the command, e.g. <c>apiserver</c> or <c>config check</c>.</summary>
    string Name { get; }

    /// <summary>A one-line summary for <c>barelb --help</c>.</summary>
    string Summary { get; }

    /// <summary>Runs the command with the arguments after its name; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}
