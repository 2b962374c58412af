using System.CommandLine;
using System.Globalization;
using BareLb.Lab;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Soak;
using BareLb.Tool.Commands;
using BareLb.Tool.Lab.Cluster;
using BareLb.Tool.Lab.Printing;

namespace BareLb.Tool.Lab.Soak;

/// <summary>
/// <c>barelb lab soak --minutes N [--seed S]</c>: the lab with BareLb installed from its manifests (no guide
/// configuration: the soak writes its own pools), then N minutes of random steps (<see cref="SoakRunner"/>), a report
/// and a verdict; exit code 0 when it passed, 1 when it did not.
/// </summary>
internal sealed class LabSoakCommand : IToolCommand
{
    private readonly Option<double> _minutes = new("--minutes") { Description = "how long to take steps (default 10)", DefaultValueFactory = _ => 10 };
    private readonly Option<int?> _seed = new("--seed") { Description = "the seed of the random steps (default: a new one, printed)" };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("soak", "N minutes of random Services, speaker kills and restarts, link flaps and configuration changes in the lab, every address probed and every ARP/NDP answer checked (root)") { _minutes, _seed };
        command.SetAction((result, ct) => RunAsync(result, output, error, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!NetworkNamespaces.CanCreate)
        {
            await error.WriteLineAsync("barelb lab soak: the soak needs root (network namespaces, raw sockets); run it with sudo").ConfigureAwait(false);
            return 1;
        }

        var minutes = result.GetValue(_minutes);
        var options = new SoakOptions { Duration = TimeSpan.FromMinutes(minutes), Seed = result.GetValue(_seed) ?? Random.Shared.Next(1, 100_000) };
        try
        {
            options.Validate();
        }
        catch (LabException e)
        {
            throw new BareLb.Hosting.CommandLine.UsageException($"--minutes {minutes.ToString(CultureInfo.InvariantCulture)}: {e.Message}");
        }

        using var interruption = new Interruption(cancellationToken);
        var printer = new StepPrinter(output, interactive: false, TimeProvider.System);
        try
        {
            var report = await RunAsync(printer, options, null, interruption.Token).ConfigureAwait(false);
            printer.Step("Report");
            printer.Result(SoakReportWriter.Write(report));
            return report.Passed ? 0 : 1;
        }
        catch (LabException e)
        {
            await error.WriteLineAsync($"barelb lab soak: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Builds the lab, installs BareLb, soaks, and removes the lab; returns the report.</summary>
    public static async Task<SoakReport> RunAsync(StepPrinter printer, SoakOptions options, string? prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(printer);
        ArgumentNullException.ThrowIfNull(options);
        printer.Step("A cluster on this machine, BareLb installed from its manifests");
        var cluster = await printer.ProgressAsync("building the lab", ct => LabCluster.StartAsync(prefix, TimeProvider.System, ct), cancellationToken).ConfigureAwait(false);
        await using (cluster.ConfigureAwait(false))
        {
            try
            {
                await printer.ProgressAsync("installing BareLb (kubectl apply -f namespace.yaml -f barelb.yaml; strictARP on)", cluster.InstallBareLbAsync, cancellationToken).ConfigureAwait(false);

                printer.Step(string.Create(CultureInfo.InvariantCulture, $"Soak: {options.Duration.TotalMinutes:0.#} min, seed {options.Seed}"));
                printer.Note("every assigned address is pinged from the client every 20 ms; every ARP and NDP answer is captured");
                return await SoakRunner.RunAsync(new LabSoakCluster(cluster), options, printer.Output, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw cluster.Failure(e.Message);
            }
        }
    }
}
