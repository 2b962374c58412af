using System.CommandLine;
using BareLb.Lab.Namespaces;
using BareLb.Tool.Commands;
using BareLb.Tool.Lab.WithoutPackets;

namespace BareLb.Tool.Lab;

/// <summary>
/// <c>barelb lab [--without-packets]</c>: the MetalLB guide end to end on this machine with real packets
/// (root); without root, one line saying why and the guide without packets.
/// </summary>
internal sealed class LabCommand : IToolCommand
{
    /// <summary>The line printed when the lab cannot run for want of root.</summary>
    public const string NeedsRoot = "barelb lab: real packets need root (network namespaces, raw sockets for the 10 ms probe); playing the guide without packets instead (sudo barelb lab for the real thing).";

    private readonly Option<bool> _withoutPackets = new("--without-packets")
    {
        Description = "play the guide against the API emulator only, as without root: no namespaces, no packets",
    };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("lab", "the MetalLB guide end to end on this machine: a cluster in network namespaces, BareLb's controller and speakers, curl of the four dashboards, a failover and a planned hand-over (root; without it, the guide without packets)")
        {
            _withoutPackets,
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

        await error.WriteLineAsync("barelb lab: the lab with packets is not wired yet; run with --without-packets").ConfigureAwait(false);
        return 1;
    }
}
