using System.CommandLine;
using System.CommandLine.Parsing;

namespace BareLb.Hosting.CommandLine;

/// <summary>
/// The command-line rules every BareLb executable follows, on System.CommandLine: <c>--flag value</c>
/// and <c>--flag=value</c>, generated <c>--help</c> (exit code 0), and a usage error as exactly one
/// line on stderr, <c>PROGRAM: what is wrong</c>, with exit code 2. Signals are left to the host.
/// </summary>
public static class CommandLineRunner
{
    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> (no response files, no bundling surprises).</summary>
    public static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(root);
        return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
    }

    /// <summary>
    /// The first problem of a parse as one line without the program name, or null when there is none:
    /// an unknown option is <c>unknown option '--x' (see PROGRAM --help)</c>.
    /// </summary>
    public static string? FirstError(ParseResult result, string program)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.UnmatchedTokens is [var unmatched, ..])
        {
            var command = string.Join(' ', [program, .. CommandPath(result.CommandResult).Skip(1)]);
            return unmatched.StartsWith('-')
                ? $"unknown option '{unmatched}' (see {command} --help)"
                : $"unexpected argument '{unmatched}' (see {command} --help)";
        }

        return result.Errors is [var first, ..] ? OneLine(first.Message) : null;
    }

    /// <summary>
    /// Parses and runs: help and actions as System.CommandLine does, but a parse error is one line
    /// on <paramref name="error"/> and exit code 2, and an action's <see cref="UsageException"/> too.
    /// SIGINT and SIGTERM are not intercepted: the host's own lifetime handles them.
    /// </summary>
    public static async Task<int> InvokeAsync(string program, RootCommand root, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        output ??= Console.Out;
        error ??= Console.Error;
        var result = Parse(root, args);
        if (FirstError(result, program) is { } problem)
        {
            await error.WriteLineAsync($"{program}: {problem}").ConfigureAwait(false);
            return UsageExitCode;
        }

        try
        {
            return await result.InvokeAsync(
                new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
                cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"{program}: {OneLine(e.Message)}").ConfigureAwait(false);
            return UsageExitCode;
        }
    }

    private static Stack<string> CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult command)
            {
                names.Push(command.Command.Name);
            }
        }

        return names;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.', ' ');
}

/// <summary>A command line that parsed but does not make sense (a bad value, a missing option): one line on stderr, exit code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
