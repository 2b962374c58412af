using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb config check FILE...</c>: validates legacy ConfigMaps and metallb.io manifests offline.</summary>
internal sealed class ConfigCheckCommand : ICommand
{
    private const string Usage = """
        usage: barelb config check [--namespace NS] FILE...
          Validates MetalLB configuration offline: legacy ConfigMaps (metallb-system/config) and metallb.io
          objects (IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, Community), any mix,
          any number of YAML documents per file; "-" reads standard input. The files are checked together,
          as if applied to one cluster. Prints a summary per file and each problem as FILE:LINE: message.
          --namespace NS  the namespace BareLb reads its configuration from (default metallb-system);
                          objects elsewhere get a warning
          Exit status: 0 valid (warnings allowed), 1 invalid or unreadable, 2 usage error.
        """;

    public string Name => "config check";

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"barelb config check: {message}").ConfigureAwait(false);
        await error.WriteLineAsync(Usage).ConfigureAwait(false);
        return 2;
    }

    public string Summary => "validate MetalLB ConfigMaps and metallb.io manifests offline";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        var @namespace = MetalLbApi.DefaultNamespace;
        var paths = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--namespace")
            {
                if (i + 1 >= args.Count || args[i + 1].Length == 0)
                {
                    return await FailAsync(error, "--namespace needs a namespace name").ConfigureAwait(false);
                }

                @namespace = args[++i];
            }
            else if (args[i].StartsWith('-') && args[i] != "-")
            {
                return await FailAsync(error, $"unknown option \"{args[i]}\"").ConfigureAwait(false);
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        if (paths.Count == 0)
        {
            return await FailAsync(error, "no file given").ConfigureAwait(false);
        }

        var files = new List<ConfigurationFile>();
        var unreadable = false;
        foreach (var path in paths)
        {
            var (file, problem) = await ConfigFileReading.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (file is null)
            {
                await error.WriteLineAsync(problem).ConfigureAwait(false);
                unreadable = true;
                continue;
            }

            files.Add(file);
        }

        var check = ConfigurationFiles.Check(files, @namespace);
        foreach (var summary in check.Summaries)
        {
            await output.WriteLineAsync(summary).ConfigureAwait(false);
        }

        foreach (var problem in check.Problems)
        {
            await output.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
        }

        var errors = check.Problems.Count(p => p.Severity == ProblemSeverity.Error);
        var warnings = check.Problems.Count - errors;
        var verdict = errors == 0 && !unreadable ? "valid" : "invalid";
        await output.WriteLineAsync($"{verdict}: {errors} error(s), {warnings} warning(s)").ConfigureAwait(false);
        return errors == 0 && !unreadable ? 0 : 1;
    }
}
