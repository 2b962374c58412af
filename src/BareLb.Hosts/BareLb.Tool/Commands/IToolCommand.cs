using System.CommandLine;

namespace BareLb.Tool.Commands;

/// <summary>One <c>barelb</c> subcommand, defined on System.CommandLine.</summary>
internal interface IToolCommand
{
    /// <summary>The subcommand, with its options and its action writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    Command Create(TextWriter output, TextWriter error);
}
