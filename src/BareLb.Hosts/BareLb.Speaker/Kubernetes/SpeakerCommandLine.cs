using System.CommandLine;
using System.Globalization;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Logging;
using BareLb.Kube.Configuration.Api;
using BareLb.Speaker.Standalone;
using Microsoft.Extensions.Options;

namespace BareLb.Speaker.Kubernetes;

/// <summary>
/// barelb-speaker's command line: with no subcommand, the Kubernetes speaker with every flag and
/// environment variable MetalLB's manifests (v0.13 to v0.16.1) give MetalLB's speaker;
/// <c>standalone</c> announces without Kubernetes.
/// </summary>
internal sealed class SpeakerCommandLine
{
    private const string NoBgp = "BareLb announces with Layer 2 only (no BGP, no FRR)";
    private const string NoTls = "BareLb serves metrics over plain HTTP";
    private const string NoPprof = "BareLb has no pprof endpoint (use dotnet-trace or dotnet-counters)";

    private readonly Func<string, string?> _environment;
    private readonly Option<string?> _nodeName;
    private readonly Option<string?> _podName;
    private readonly Option<string?> _host;
    private readonly Option<string?> _mlBindAddr;
    private readonly Option<string?> _mlBindPort;
    private readonly Option<string?> _mlLabels;
    private readonly Option<string?> _mlSecretKeyPath;
    private readonly Option<string?> _mlSecretKey;
    private readonly Option<bool> _mlWanConfig = new("--ml-wan-config") { Description = "memberlist's WAN timings instead of LAN ones" };
    private readonly Option<string?> _namespace;
    private readonly Option<string?> _port = new("--port") { Description = $"serve /metrics, /healthz and /readyz over HTTP on this port (default {SpeakerOptions.DefaultMetricsPort})", HelpName = "PORT" };
    private readonly Option<string?> _healthProbePort = new("--health-probe-port") { Description = $"serve /healthz and /readyz (and /metrics) on this port too (default {SpeakerOptions.DefaultHealthProbePort}; 0 for none)", HelpName = "PORT" };
    private readonly Option<string> _logLevel = CommonOptions.LogLevel();
    private readonly Option<string?> _lbClass = new("--lb-class") { Description = "announce only Services of this loadBalancerClass (default: those with none)", HelpName = "CLASS" };
    private readonly Option<bool> _ignoreExcludeLb = new("--ignore-exclude-lb") { Description = "announce from nodes labelled node.kubernetes.io/exclude-from-external-load-balancers too" };
    private readonly Option<string?> _kubeconfig = CommonOptions.Kubeconfig();
    private readonly IgnoredOptions _ignored = new();

    public SpeakerCommandLine(Func<string, string?>? environment = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _nodeName = new Option<string?>("--node-name") { Description = "this Kubernetes node (spec.nodeName); required", HelpName = "NODE" }.FromEnvironment("METALLB_NODE_NAME", _environment);
        _podName = new Option<string?>("--pod-name") { Description = "this speaker Pod, owner of the status objects it writes", HelpName = "POD" }.FromEnvironment("METALLB_POD_NAME", _environment);
        _host = new Option<string?>("--host") { Description = "the address /metrics, /healthz and /readyz listen on (default: every address)", HelpName = "IP" }.FromEnvironment("METALLB_HOST", _environment);
        _mlBindAddr = new Option<string?>("--ml-bindaddr") { Description = "memberlist bind address, the Pod IP (membership is off without it, as in MetalLB)", HelpName = "IP" }.FromEnvironment("METALLB_ML_BIND_ADDR", _environment);
        _mlBindPort = new Option<string?>("--ml-bindport") { Description = $"memberlist port (default {SpeakerOptions.DefaultMemberlistPort})", HelpName = "PORT" }.FromEnvironment("METALLB_ML_BIND_PORT", _environment);
        _mlLabels = new Option<string?>("--ml-labels") { Description = $"labels of the speaker Pods that are peers (default {SpeakerOptions.DefaultMemberlistLabels})", HelpName = "K=V,..." }.FromEnvironment("METALLB_ML_LABELS", _environment);
        _mlSecretKeyPath = new Option<string?>("--ml-secret-key-path") { Description = "file holding the memberlist key (the memberlist Secret, mounted)", HelpName = "PATH" }.FromEnvironment("METALLB_ML_SECRET_KEY_PATH", _environment);
        _mlSecretKey = new Option<string?>("--ml-secret-key") { Description = "the memberlist key itself (MetalLB v0.13.0 to v0.13.7)", HelpName = "KEY" }.FromEnvironment("METALLB_ML_SECRET_KEY", _environment);
        _namespace = new Option<string?>("--namespace") { Description = "where the configuration, the speaker Pods and the memberlist Secret live (default metallb-system)", HelpName = "NS" }.FromEnvironment("METALLB_NAMESPACE", _environment, MetalLbApi.DefaultNamespace);
        _ignored.Switch("--disable-epslices", "BareLb always reads EndpointSlices (MetalLB v0.13.0 to v0.13.9)");
        _ignored.Switch("--enable-pprof", NoPprof);
        _ignored.Value("--pprof-bind-address", NoPprof);
        _ignored.Switch("--enable-l2-service-status", "BareLb always writes ServiceL2Status (MetalLB v0.14.4 and v0.14.5)");
        _ignored.Value("--frrk8s-namespace", NoBgp);
        _ignored.Value("--bgp-debounce-timeout", NoBgp);
        _ignored.Value("--tls-min-version", NoTls);
        _ignored.Value("--tls-cipher-suites", NoTls);
        _ignored.Value("--tls-curve-preferences", NoTls);
        _ignored.Value("--metrics-cert-dir", NoTls);
        _ignored.Variable("METALLB_BGP_TYPE", NoBgp);
        _ignored.Variable("FRRK8S_NAMESPACE", NoBgp);
        _ignored.Variable("METALLB_BGP_DEBOUNCE_TIMEOUT", NoBgp);
        _ignored.Variable("FRR_CONFIG_FILE", NoBgp);
        _ignored.Variable("FRR_RELOADER_PID_FILE", NoBgp);
    }

    /// <summary>The whole command line: the Kubernetes speaker at the root, <c>standalone</c> beneath.</summary>
    public RootCommand Create()
    {
        var root = new RootCommand("""
            barelb-speaker: with no subcommand, the Kubernetes speaker (a DaemonSet, as MetalLB's speaker; it takes
            MetalLB's flags and environment variables). `barelb-speaker standalone` announces addresses without Kubernetes.
            """)
        {
            _nodeName, _podName, _host, _mlBindAddr, _mlBindPort, _mlLabels, _mlSecretKeyPath, _mlSecretKey, _mlWanConfig,
            _namespace, _port, _healthProbePort, _logLevel, _lbClass, _ignoreExcludeLb, _kubeconfig,
        };
        foreach (var option in _ignored.Options)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(new StandaloneCommandLine().Create());
        root.SetAction((result, _) => SpeakerHost.RunAsync(Bind(result)));
        return root;
    }

    /// <summary>Reads and checks the Kubernetes speaker's options.</summary>
    /// <exception cref="UsageException">A value is wrong or missing; the message names the flag and its variable.</exception>
    public SpeakerOptions Bind(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var options = new SpeakerOptions
        {
            NodeName = result.GetValue(_nodeName),
            PodName = result.GetValue(_podName),
            Host = result.GetValue(_host),
            MemberlistBindAddress = result.GetValue(_mlBindAddr),
            MemberlistBindPort = Port(result.GetValue(_mlBindPort), "--ml-bindport (METALLB_ML_BIND_PORT)", SpeakerOptions.DefaultMemberlistPort),
            MemberlistLabels = result.GetValue(_mlLabels) ?? SpeakerOptions.DefaultMemberlistLabels,
            MemberlistSecretKeyPath = result.GetValue(_mlSecretKeyPath),
            MemberlistSecretKey = result.GetValue(_mlSecretKey),
            MemberlistWanConfig = result.GetValue(_mlWanConfig),
            Namespace = result.GetValue(_namespace) ?? MetalLbApi.DefaultNamespace,
            MetricsPort = Port(result.GetValue(_port), "--port", SpeakerOptions.DefaultMetricsPort),
            HealthProbePort = Port(result.GetValue(_healthProbePort), "--health-probe-port", SpeakerOptions.DefaultHealthProbePort),
            LogLevel = LogLevels.TryParse(result.GetValue(_logLevel), out var level) ? level.Value : Microsoft.Extensions.Logging.LogLevel.Information,
            LoadBalancerClass = result.GetValue(_lbClass),
            IgnoreExcludeLoadBalancer = result.GetValue(_ignoreExcludeLb),
            Kubeconfig = result.GetValue(_kubeconfig),
        };
        _ignored.Collect(result, _environment, options.Ignored);
        var validation = new SpeakerOptionsValidator().Validate(Options.DefaultName, options);
        return validation.Failed ? throw new UsageException(validation.Failures.First()) : options;
    }

    private static int Port(string? text, string flag, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port
        : throw new UsageException($"{flag} '{text}' is not a port number");
}
