using BareLb.Hosting.CommandLine;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Kubernetes;
using Microsoft.Extensions.Logging;

namespace BareLb.Hosts.Tests.CommandLine;

/// <summary>barelb-speaker's Kubernetes options: MetalLB's flags and variables, parsed in process.</summary>
public sealed class SpeakerCommandLineTests
{
    private static readonly Dictionary<string, string> ManifestEnvironment = new(StringComparer.Ordinal)
    {
        // What MetalLB v0.14's metallb-native.yaml gives its speaker (values as the kubelet fills them in).
        ["METALLB_NODE_NAME"] = "node-a",
        ["METALLB_POD_NAME"] = "speaker-x7k2p",
        ["METALLB_HOST"] = "198.18.0.11",
        ["METALLB_ML_BIND_ADDR"] = "198.18.0.11",
        ["METALLB_ML_LABELS"] = "app=metallb,component=speaker",
        ["METALLB_ML_SECRET_KEY_PATH"] = "/etc/ml_secret_key",
    };

    private static SpeakerOptions Bind(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var commandLine = new SpeakerCommandLine(name => environment.TryGetValue(name, out var value) ? value : null);
        var result = CommandLineRunner.Parse(commandLine.Create(), args);
        Assert.Null(CommandLineRunner.FirstError(result, "barelb-speaker"));
        return commandLine.Bind(result);
    }

    [Fact]
    public void MetalLbManifestArgumentsAndEnvironment_AreReadWithMetalLbMeaning()
    {
        var options = Bind(ManifestEnvironment, "--port=7472", "--log-level=info");

        Assert.Equal("node-a", options.NodeName);
        Assert.Equal("speaker-x7k2p", options.PodName);
        Assert.Equal("198.18.0.11", options.Host);
        Assert.Equal("198.18.0.11", options.MemberlistBindAddress);
        Assert.Equal(7946, options.MemberlistBindPort);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "metallb", ["component"] = "speaker" }, options.MemberlistLabelSet);
        Assert.Equal("/etc/ml_secret_key", options.MemberlistSecretKeyPath);
        Assert.Equal("metallb-system", options.Namespace);
        Assert.Equal(7472, options.MetricsPort);
        Assert.Equal(17472, options.HealthProbePort);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.Empty(options.Ignored.Settings);
    }

    [Fact]
    public void AFlag_WinsOverItsVariable_InBothSpellings()
    {
        Assert.Equal("node-b", Bind(ManifestEnvironment, "--node-name", "node-b").NodeName);
        Assert.Equal("node-c", Bind(ManifestEnvironment, "--node-name=node-c").NodeName);
        Assert.Equal("lb", Bind(ManifestEnvironment, "--namespace=lb").Namespace);
    }

    [Fact]
    public void HelmChartFlags_AreRead()
    {
        var environment = new Dictionary<string, string>(ManifestEnvironment) { ["METALLB_ML_BIND_PORT"] = "7947", ["METALLB_ML_LABELS"] = "app.kubernetes.io/name=metallb,app.kubernetes.io/component=speaker" };
        var options = Bind(environment, "--port=7472", "--log-level=debug", "--lb-class=example.com/lb", "--ml-wan-config", "--ignore-exclude-lb", "--health-probe-port", "17473");

        Assert.Equal(7947, options.MemberlistBindPort);
        Assert.Equal("metallb", options.MemberlistLabelSet["app.kubernetes.io/name"]);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Equal("example.com/lb", options.LoadBalancerClass);
        Assert.True(options.MemberlistWanConfig);
        Assert.True(options.IgnoreExcludeLoadBalancer);
        Assert.Equal(17473, options.HealthProbePort);
    }

    [Fact]
    public void FrrTlsAndPprofSettings_AreAcceptedAndRecordedAsIgnored()
    {
        var environment = new Dictionary<string, string>(ManifestEnvironment) { ["METALLB_BGP_TYPE"] = "frr", ["FRR_CONFIG_FILE"] = "/etc/frr_reloader/frr.conf" };
        var options = Bind(environment, "--tls-min-version=VersionTLS12", "--enable-pprof", "--bgp-debounce-timeout=3s", "--disable-epslices=false");

        var ignored = options.Ignored.Settings.Select(s => s.Setting).ToList();
        Assert.Contains("--tls-min-version=VersionTLS12", ignored);
        Assert.Contains("--enable-pprof", ignored);
        Assert.Contains("--bgp-debounce-timeout=3s", ignored);
        Assert.Contains("--disable-epslices=false", ignored);
        Assert.Contains("METALLB_BGP_TYPE=frr", ignored);
        Assert.Contains("FRR_CONFIG_FILE=/etc/frr_reloader/frr.conf", ignored);
    }

    [Theory]
    [InlineData("", "--node-name (or METALLB_NODE_NAME) is required")]
    [InlineData("--node-name n --ml-bindport 70000", "--ml-bindport (METALLB_ML_BIND_PORT) 70000: the port must be from 1 to 65535")]
    [InlineData("--node-name n --ml-bindport x", "--ml-bindport (METALLB_ML_BIND_PORT) 'x' is not a port number")]
    [InlineData("--node-name n --ml-bindaddr not-an-ip", "--ml-bindaddr (METALLB_ML_BIND_ADDR) 'not-an-ip' is not an IP address")]
    [InlineData("--node-name n --ml-labels app", "--ml-labels (METALLB_ML_LABELS) 'app': 'app' is not key=value")]
    [InlineData("--node-name n --namespace Metallb", "--namespace (METALLB_NAMESPACE) 'Metallb'")]
    [InlineData("--node-name n --port 7472 --health-probe-port 7472", "--health-probe-port 7472 is the metrics --port too")]
    public void BadValues_AreUsageErrorsNamingFlagAndVariable(string args, string expected)
    {
        var commandLine = new SpeakerCommandLine(_ => null);
        var result = CommandLineRunner.Parse(commandLine.Create(), args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var error = Assert.Throws<UsageException>(() => commandLine.Bind(result));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoSubcommand_AndNoKubeconfig_SaysSoInOneLine_AndExits1()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"barelb-no-kubeconfig-{Guid.NewGuid():N}");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new SpeakerCommandLine(name => ManifestEnvironment.TryGetValue(name, out var value) ? value : null).Create();
        var code = await StartupFailures.RunAsync(() => CommandLineRunner.InvokeAsync("barelb-speaker", root, ["--port=7472", "--kubeconfig", missing], output, error, TestContext.Current.CancellationToken), error);

        Assert.Equal(1, code);
        Assert.Equal("", output.ToString());
        var line = Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("barelb-speaker: no usable Kubernetes configuration: ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--frobnicate", "barelb-speaker: unknown option '--frobnicate' (see barelb-speaker --help)")]
    [InlineData("--log-level=loud", "barelb-speaker: Argument 'loud' not recognized. Must be one of:")]
    [InlineData("standalone --interface vn --address 198.18.0.100 --frobnicate", "barelb-speaker: unknown option '--frobnicate' (see barelb-speaker standalone --help)")]
    public async Task UsageErrors_AreOneLineAndExit2(string args, string expected)
    {
        var (code, output, error) = await RunAsync(ManifestEnvironment, args.Split(' '));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith(expected, Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsMetalLbFlagsWithTheirVariables_AndExits0()
    {
        var (code, output, _) = await RunAsync(ManifestEnvironment, "--help");

        Assert.Equal(0, code);
        foreach (var expected in new[] { "--node-name", "METALLB_NODE_NAME", "--ml-bindport", "--ml-secret-key-path", "--ignore-exclude-lb", "--health-probe-port", "standalone" })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new SpeakerCommandLine(name => environment.TryGetValue(name, out var value) ? value : null).Create();
        var code = await CommandLineRunner.InvokeAsync("barelb-speaker", root, args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
