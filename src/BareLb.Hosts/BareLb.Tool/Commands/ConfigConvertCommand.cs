using BareLb.Kube.Configuration;

namespace BareLb.Tool.Commands;

/// <summary><c>barelb config convert FILE</c>: turns a legacy ConfigMap into the equivalent metallb.io manifests.</summary>
internal sealed class ConfigConvertCommand : ICommand
{
    private const string Usage = """
        usage: barelb config convert FILE
          Turns MetalLB's legacy ConfigMap (key config) into the equivalent metallb.io objects, written as
          multi-document YAML on standard output, in the ConfigMap's namespace: an IPAddressPool per pool, an
          L2Advertisement per layer2 (or l2) pool, a BGPAdvertisement per bgp-advertisements entry (one per bgp
          pool without any), a BGPPeer per peer, a BFDProfile per bfd profile, one Community for bgp-communities.
          "-" reads standard input. Exit status: 0 converted, 1 invalid or unreadable input, 2 usage error.
        """;

    public string Name => "config convert";

    public string Summary => "convert a legacy MetalLB ConfigMap into metallb.io manifests";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (args.Count != 1 || (args[0].StartsWith('-') && args[0] != "-"))
        {
            var why = args.Count == 0 ? "no file given" : args.Count > 1 ? "exactly one file, please" : $"unknown option \"{args[0]}\"";
            await error.WriteLineAsync($"barelb config convert: {why}").ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var (file, problem) = await ConfigFileReading.ReadAsync(args[0], cancellationToken).ConfigureAwait(false);
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
