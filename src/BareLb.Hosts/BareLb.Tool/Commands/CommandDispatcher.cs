namespace BareLb.Tool.Commands;

/// <summary>Picks the subcommand from the first words of the command line. Add new commands to <see cref="Commands"/>.</summary>
internal static class CommandDispatcher
{
    private static readonly ICommand[] Commands =
    [
        new ApiServerCommand(),
        new ConfigCheckCommand(),
        new ConfigConvertCommand(),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await PrintUsageAsync(args.Length == 0 ? error : output).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        // The longest command name that prefixes the arguments wins ("config check" before "config").
        var match = Commands
            .Select(c => (Command: c, Words: c.Name.Split(' ')))
            .Where(c => c.Words.Length <= args.Length && c.Words.SequenceEqual(args.Take(c.Words.Length), StringComparer.Ordinal))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (match.Command is null)
        {
            await error.WriteLineAsync($"barelb: unknown command \"{string.Join(' ', args)}\"").ConfigureAwait(false);
            await PrintUsageAsync(error).ConfigureAwait(false);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        return await match.Command.RunAsync(args[match.Words.Length..], output, error, cancel.Token).ConfigureAwait(false);
    }

    private static async Task PrintUsageAsync(TextWriter writer)
    {
        await writer.WriteLineAsync("usage: barelb <command> [options]").ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteLineAsync("commands:").ConfigureAwait(false);
        foreach (var command in Commands)
        {
            await writer.WriteLineAsync($"  {command.Name,-20} {command.Summary}").ConfigureAwait(false);
        }
    }
}
