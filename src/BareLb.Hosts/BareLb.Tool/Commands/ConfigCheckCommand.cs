using BareLb.Kube.Configuration;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb config check FILE...</c>: validates legacy ConfigMaps and metallb.io manifests offline.</summary>
internal sealed class ConfigCheckCommand : ICommand
{
    private const string Usage = """
        usage: barelb config check FILE...
          Validates MetalLB configuration offline: legacy ConfigMaps (metallb-system/config) and metallb.io
          objects (IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, Community), any mix,
          any number of YAML documents per file; "-" reads standard input. The files are checked together,
          as if applied to one cluster. Prints a summary per file and each problem as FILE:LINE: message.
          Exit status: 0 valid (warnings allowed), 1 invalid or unreadable, 2 usage error.
        """;

    public string Name => "config check";

    public string Summary => "validate MetalLB ConfigMaps and metallb.io manifests offline";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (args.Count == 0 || args.FirstOrDefault(a => a.StartsWith('-') && a != "-") is { } unknown)
        {
            var why = args.Count == 0 ? "no file given" : $"unknown option \"{args.First(a => a.StartsWith('-') && a != "-")}\"";
            await error.WriteLineAsync($"barelb config check: {why}").ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var files = new List<ConfigurationFile>();
        var unreadable = false;
        foreach (var path in args)
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

        var check = ConfigurationFiles.Check(files);
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
