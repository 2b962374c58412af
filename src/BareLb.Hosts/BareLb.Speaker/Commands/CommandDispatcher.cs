using BareLb.Arp.Transports;
using BareLb.Speaker.Standalone;

namespace BareLb.Speaker.Commands;

/// <summary>
/// Picks the mode from the first argument. Each mode parses its own arguments, opens what it
/// needs, and runs a host; errors a user can cause end as one line on stderr.
/// </summary>
internal static class CommandDispatcher
{
    private const string Usage = """
        Usage: barelb-speaker <command> [options]

        Commands:
          standalone   Announce addresses on one interface (ARP and NDP), with no Kubernetes.

        Run 'barelb-speaker <command> --help' for a command's options.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
        }

        try
        {
            return args[0] switch
            {
                "standalone" => await StandaloneCommand.RunAsync(args.AsSpan(1).ToArray()).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{args[0]}' (available: standalone; see --help)"),
            };
        }
        catch (UsageException e)
        {
            return Fail(e.Message, ExitCodes.Usage);
        }
        catch (FrameTransportException e)
        {
            return Fail(e.Message, ExitCodes.StartFailed);
        }
        catch (StartupException e)
        {
            return Fail(e.Message, ExitCodes.StartFailed);
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine("barelb-speaker: " + message);
        return code;
    }
}
