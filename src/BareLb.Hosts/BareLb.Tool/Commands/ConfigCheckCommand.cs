using System.CommandLine;
using BareLb.Hosting.CommandLine;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb config check FILE...</c>: validates legacy ConfigMaps and metallb.io manifests offline.</summary>
internal sealed class ConfigCheckCommand : IToolCommand
{
    private readonly Option<string> _namespace = new("--namespace")
    {
        Description = "the namespace BareLb reads its configuration from (default metallb-system); objects elsewhere get a warning",
        HelpName = "NS",
        DefaultValueFactory = _ => MetalLbApi.DefaultNamespace,
    };

    private readonly Argument<string[]> _files = new("FILE") { Description = "files to check together, as if applied to one cluster; - reads standard input", Arity = ArgumentArity.ZeroOrMore };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("check", """
            validate MetalLB ConfigMaps and metallb.io manifests offline: legacy ConfigMaps (metallb-system/config) and
            metallb.io objects (IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, Community), any mix,
            any number of YAML documents per file. Prints a summary per file and each problem as FILE:LINE: message.
            Exit status: 0 valid (warnings allowed), 1 invalid or unreadable, 2 usage error.
            """)
        {
            _namespace, _files,
        };
        command.SetAction((result, ct) => RunAsync(result, output, error, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var @namespace = result.GetValue(_namespace) is { Length: > 0 } given ? given : throw new UsageException("--namespace needs a namespace name");
        var paths = result.GetValue(_files) ?? [];
        if (paths.Length == 0)
        {
            throw new UsageException("no file given (see barelb config check --help)");
        }

        if (paths.FirstOrDefault(p => p.StartsWith('-') && p != "-") is { } unknown)
        {
            throw new UsageException($"unknown option '{unknown}' (see barelb config check --help)");
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
