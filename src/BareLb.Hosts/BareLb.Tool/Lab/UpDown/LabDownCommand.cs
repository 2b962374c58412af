using System.CommandLine;
using System.Globalization;
using BareLb.Lab.Namespaces;
using BareLb.Lab;
using BareLb.Tool.Commands;

namespace BareLb.Tool.Lab.UpDown;

/// <summary>
/// <c>barelb lab down</c>: stops the supervisor of every lab that <c>barelb lab up</c> left running (SIGTERM; it removes
/// its lab), then sweeps what a supervisor that died left behind.
/// </summary>
internal sealed class LabDownCommand : IToolCommand
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("down", "remove the labs barelb lab up left running (root)");
        command.SetAction((_, ct) => RunAsync(output, error, ct));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!NetworkNamespaces.CanCreate)
        {
            await error.WriteLineAsync("barelb lab down: removing a lab needs root; run it with sudo").ConfigureAwait(false);
            return 1;
        }

        var labs = LabsUp.List();
        foreach (var (id, pid) in labs)
        {
            if (pid > 0 && Signals.Send(pid, Signals.Terminate))
            {
                var deadline = DateTimeOffset.UtcNow + Grace;
                while (IsRunning(pid) && DateTimeOffset.UtcNow < deadline)
                {
                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }

                if (IsRunning(pid))
                {
                    Signals.Send(pid, Signals.Kill);
                }
            }

            LabsUp.Forget(id);
            await output.WriteLineAsync($"lab {id} removed").ConfigureAwait(false);
        }

        var swept = NetworkNamespaces.Sweep(LabsUp.Prefix);
        if (swept.Count > 0)
        {
            await output.WriteLineAsync($"removed {swept.Count.ToString(CultureInfo.InvariantCulture)} namespaces left by a lab whose supervisor had died").ConfigureAwait(false);
        }
        else if (labs.Count == 0)
        {
            await output.WriteLineAsync("no lab is up").ConfigureAwait(false);
        }

        return 0;
    }

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
}
