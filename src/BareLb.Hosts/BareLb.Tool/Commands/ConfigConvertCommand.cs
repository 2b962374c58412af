using System.CommandLine;
using BareLb.Hosting.CommandLine;
using BareLb.Kube.Configuration;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb config convert FILE</c>: turns a legacy ConfigMap into the equivalent metallb.io manifests.</summary>
internal sealed class ConfigConvertCommand : IToolCommand
{
    private readonly Argument<string[]> _file = new("FILE") { Description = "the legacy ConfigMap's file; - reads standard input", Arity = ArgumentArity.ZeroOrMore };

    public Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("convert", """
            convert a legacy MetalLB ConfigMap into metallb.io manifests: the equivalent metallb.io objects, written as
            multi-document YAML on standard output, in the ConfigMap's namespace: an IPAddressPool per pool, an
            L2Advertisement per layer2 (or l2) pool, a BGPAdvertisement per bgp-advertisements entry (one per bgp
            pool without any), a BGPPeer per peer, a BFDProfile per bfd profile, one Community for bgp-communities.
            Exit status: 0 converted, 1 invalid or unreadable input, 2 usage error.
            """)
        {
            _file,
        };
        command.SetAction((result, ct) => RunAsync(result, output, error, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var paths = result.GetValue(_file) ?? [];
        if (paths.Length != 1)
        {
            throw new UsageException(paths.Length == 0 ? "no file given (see barelb config convert --help)" : "exactly one file, please");
        }

        if (paths[0].StartsWith('-') && paths[0] != "-")
        {
            throw new UsageException($"unknown option '{paths[0]}' (see barelb config convert --help)");
        }

        var (file, problem) = await ConfigFileReading.ReadAsync(paths[0], cancellationToken).ConfigureAwait(false);
        if (file is null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return 1;
        }

        var conversion = ConfigurationFiles.Convert(file);
        foreach (var item in conversion.Problems)
        {
            await error.WriteLineAsync(item.ToString()).ConfigureAwait(false);
        }

        if (conversion.Yaml is null)
        {
            return 1;
        }

        await output.WriteAsync(conversion.Yaml).ConfigureAwait(false);
        return 0;
    }
}
