using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BareLb.Lab;
using BareLb.Lab.Namespaces;
using BareLb.Tool.Commands;
using BareLb.Tool.Lab.Cluster;
using BareLb.Tool.Lab.Printing;
using BareLb.Tool.Lab.WithPackets;

namespace BareLb.Tool.Lab.UpDown;

/// <summary>
/// <c>barelb lab up</c>: builds the lab and plays the guide (no failures), then leaves it running and prints how to use
/// it; <c>barelb lab down</c> removes it. The lab runs under a supervisor process of its own (this command with
/// <c>--foreground</c>, started in a new session), which keeps the node agent and the stand-ins going and removes the
/// lab when it gets SIGTERM or SIGINT.
/// </summary>
internal sealed class LabUpCommand : IToolCommand
{
    private readonly Option<bool> _foreground = new("--foreground")
    {
        Description = "run the lab in this process until Ctrl+C or SIGTERM, instead of leaving it to a supervisor in the background",
    };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("up", "build the lab, install BareLb and play the guide, then leave it running (root); barelb lab down removes it") { _foreground };
        command.SetAction((result, ct) => result.GetValue(_foreground) ? ForegroundAsync(output, error, ct) : BackgroundAsync(output, error, ct));
        return command;
    }

    private static async Task<int> BackgroundAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!NetworkNamespaces.CanCreate)
        {
            await error.WriteLineAsync("barelb lab up: the lab needs root (network namespaces); run it with sudo").ConfigureAwait(false);
            return 1;
        }

        Directory.CreateDirectory(LabsUp.Directory);
        var id = LabNames.NewId();
        var log = LabsUp.File(id, "log");
        var (program, arguments) = Self();
        string[] words = [program, .. arguments, "lab", "up", "--foreground"];
        var command = string.Join(' ', words.Select(Quote));
        var start = new ProcessStartInfo("sh", ["-c", $"exec setsid {command} > {Quote(log)} 2>&1 < /dev/null"]) { UseShellExecute = false };
        start.Environment["BARELB_LAB_ID"] = id;
        using var supervisor = Process.Start(start) ?? throw new LabException("barelb lab up: cannot start the lab's supervisor");
        await output.WriteLineAsync($"barelb lab up: building the lab (id {id}, log {log}) ...").ConfigureAwait(false);
        var ready = LabsUp.File(id, "ready");
        while (!File.Exists(ready))
        {
            if (supervisor.HasExited)
            {
                await error.WriteLineAsync($"barelb lab up: the lab's supervisor stopped (exit {supervisor.ExitCode.ToString(CultureInfo.InvariantCulture)}); its log:").ConfigureAwait(false);
                await error.WriteLineAsync(File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) : "(none)").ConfigureAwait(false);
                LabsUp.Forget(id);
                return 1;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteAsync(await File.ReadAllTextAsync(ready, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> ForegroundAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!NetworkNamespaces.CanCreate)
        {
            await error.WriteLineAsync("barelb lab up: the lab needs root (network namespaces); run it with sudo").ConfigureAwait(false);
            return 1;
        }

        using var interruption = new Interruption(cancellationToken);
        var id = Environment.GetEnvironmentVariable("BARELB_LAB_ID") ?? LabNames.NewId();
        Directory.CreateDirectory(LabsUp.Directory);
        await File.WriteAllTextAsync(LabsUp.File(id, "pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
        var guide = new GuideWithPackets(new StepPrinter(output, interactive: false, TimeProvider.System), TimeProvider.System);
        try
        {
            var cluster = await guide.BuildAsync(LabsUp.Prefix, interruption.Token).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                await guide.PlayGuideAsync(cluster, interruption.Token).ConfigureAwait(false);
                await File.WriteAllTextAsync(LabsUp.File(id, "ready"), Usage(cluster, id), CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync($"lab {id} is up; it runs until SIGTERM (barelb lab down)").ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(Timeout.Infinite, interruption.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (interruption.Interrupted)
        {
            await output.WriteLineAsync($"lab {id}: stopping; the lab is removed").ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is LabException or TimeoutException)
        {
            await error.WriteLineAsync($"barelb lab up: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            File.Delete(LabsUp.File(id, "ready"));
            File.Delete(LabsUp.File(id, "pid"));
        }

        return 0;
    }

    /// <summary>How to use a lab that is up: kubectl from the API namespace, curl from the client, and how to remove it.</summary>
    public static string Usage(LabCluster cluster, string id)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var lab = cluster.Lab;
        var kubeflow = cluster.Address(GuideDashboard.All[0].Host);
        return $"""
            The lab {id} is up: nodes {string.Join(", ", lab.Nodes.Select(static n => $"{n.Role} ({n.Ipv4})"))}, the client ({lab.Client!.Ipv4}), the API server ({lab.Api!.Ipv4}:{LabCluster.ApiPort.ToString(CultureInfo.InvariantCulture)}).
            BareLb runs in it as the guide installed it; the four dashboards have their addresses (198.18.35.100-103).
              kubectl:  sudo ip netns exec {lab.Api.Namespace} kubectl --kubeconfig {cluster.Kubeconfig} get svc -A
              curl:     sudo ip netns exec {lab.Client.Namespace} curl http://{kubeflow}
              a node:   sudo ip netns exec {lab.Nodes[0].Namespace} ip addr show kube-ipvs0
              its log:  {LabsUp.File(id, "log")}
            Remove it with: sudo barelb lab down

            """;
    }

    // This program as it was started: the apphost, or dotnet and barelb.dll.
    private static (string Program, string[] Arguments) Self()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? (path, [Path.Combine(AppContext.BaseDirectory, "barelb.dll")]) : (path, []);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
