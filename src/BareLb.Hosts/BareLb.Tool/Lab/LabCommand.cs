using System.CommandLine;
using BareLb.Lab;
using BareLb.Lab.Namespaces;
using BareLb.Tool.Lab.Printing;
using BareLb.Tool.Lab.Soak;
using BareLb.Tool.Lab.UpDown;
using BareLb.Tool.Lab.WithPackets;
using BareLb.Tool.Commands;
using BareLb.Tool.Lab.WithoutPackets;

namespace BareLb.Tool.Lab;

/// <summary>
/// <c>barelb lab [--without-packets] [--logs]</c>: the MetalLB guide end to end on this machine with real packets
/// (root); without root, one line saying why and the guide without packets. <c>barelb lab up</c> and
/// <c>barelb lab down</c> leave a lab running and remove it.
/// </summary>
internal sealed class LabCommand : IToolCommand
{
    /// <summary>The line printed when the lab cannot run for want of root.</summary>
    public const string NeedsRoot = "barelb lab: real packets need root (network namespaces, raw sockets for the 10 ms probe); playing the guide without packets instead (sudo barelb lab for the real thing).";

    private readonly Option<bool> _withoutPackets = new("--without-packets")
    {
        Description = "play the guide against the API emulator only, as without root: no namespaces, no packets",
    };

    private readonly Option<bool> _logs = new("--logs")
    {
        Description = "at the end, print what the node agent did and the last lines of every Pod's log",
    };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("lab", "the MetalLB guide end to end on this machine: a cluster in network namespaces, BareLb's controller and speakers, curl of the four dashboards, a failover and a planned hand-over (root; without it, the guide without packets)")
        {
            _withoutPackets,
            _logs,
            new LabUpCommand().Create(output, error),
            new LabDownCommand().Create(output, error),
            new LabSoakCommand().Create(output, error),
        };
        command.SetAction((result, ct) => RunAsync(result, output, error, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var interruption = new Interruption(cancellationToken);
        if (result.GetValue(_withoutPackets) || !NetworkNamespaces.CanCreate)
        {
            if (!result.GetValue(_withoutPackets))
            {
                await output.WriteLineAsync(NeedsRoot).ConfigureAwait(false);
            }

            try
            {
                return await GuideWithoutPackets.RunAsync(output, error, interruption.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (interruption.Interrupted)
            {
                return Interruption.ExitCode;
            }
        }

        var printer = new StepPrinter(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, TimeProvider.System);
        try
        {
            await new GuideWithPackets(printer, TimeProvider.System, result.GetValue(_logs)).RunAsync(null, interruption.Token).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (interruption.Interrupted)
        {
            await error.WriteLineAsync("barelb lab: interrupted; the lab is removed").ConfigureAwait(false);
            return Interruption.ExitCode;
        }
        catch (LabException e)
        {
            await error.WriteLineAsync($"barelb lab: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
