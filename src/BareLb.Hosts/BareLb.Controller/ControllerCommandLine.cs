using System.CommandLine;
using System.Globalization;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Http;
using BareLb.Hosting.Kubeconfig;
using BareLb.Hosting.Logging;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Controller;

/// <summary>
/// barelb-controller's command line: BareLb's own flags, and every flag and environment variable
/// MetalLB's manifests (v0.13 to v0.16.1) give MetalLB's controller, with MetalLB's meaning where
/// BareLb has the feature and accepted but ignored (logged once) where it does not.
/// </summary>
internal sealed class ControllerCommandLine
{
    /// <summary>Where BareLb serves when no address or port is given.</summary>
    public static readonly ListenAddress DefaultListen = new("127.0.0.1", 7472);

    /// <summary>MetalLB v0.16's health probe port, served when MetalLB's <c>--port</c> is given.</summary>
    public const int DefaultHealthProbePort = 17472;

    private const string NoWebhook = "BareLb has no admission webhook (`barelb config check` validates offline; invalid objects are reported as events)";
    private const string NoTls = "BareLb serves metrics over plain HTTP";
    private const string NoPprof = "BareLb has no pprof endpoint (use dotnet-trace or dotnet-counters)";

    private readonly Func<string, string?> _environment;
    private readonly Func<string, string?>? _readFile;
    private readonly Option<string?> _kubeconfig = CommonOptions.Kubeconfig();
    private readonly Option<string?> _namespace;
    private readonly Option<string?> _lbClass = new("--lb-class") { Description = "handle only Services of this loadBalancerClass (default: those with none)", HelpName = "CLASS" };
    private readonly Option<string?> _listen = new("--listen") { Description = "serve /healthz, /readyz and /metrics here (default 127.0.0.1:7472 when neither --port nor --health-probe-port is given; port 0 picks a free one)", HelpName = "HOST:PORT" };
    private readonly Option<string?> _identity = new("--identity") { Description = "this replica's name in the leader Lease (default --pod-name, $METALLB_POD_NAME, $POD_NAME, else the host name)", HelpName = "NAME" };
    private readonly Option<string?> _leaseDuration = new("--lease-duration") { Description = "how long a leader that stopped renewing keeps the Lease, i.e. the longest hand-over (default 15; it renews within 2/3 of it and retries every 2/15 of it, as client-go)", HelpName = "SECONDS" };
    private readonly Option<string> _logLevel = CommonOptions.LogLevel();
    private readonly Option<string?> _port = new("--port") { Description = "MetalLB's metrics port: serve /metrics, /healthz and /readyz over HTTP on every address at this port", HelpName = "PORT" };
    private readonly Option<string?> _host = new("--host") { Description = "the address --port listens on (default: every address)", HelpName = "IP" };
    private readonly Option<string?> _healthProbePort = new("--health-probe-port") { Description = $"serve /healthz and /readyz (and /metrics) on every address at this port too (default {DefaultHealthProbePort} when --port is given; 0 for none)", HelpName = "PORT" };
    private readonly Option<string?> _podName;
    private readonly Option<string?> _config = new("--config") { Description = "the legacy ConfigMap's name (MetalLB v0.12; default config)", HelpName = "NAME" };
    private readonly Option<string?> _mlSecretName;
    private readonly Option<string?> _deployment;
    private readonly IgnoredOptions _ignored = new();

    public ControllerCommandLine(Func<string, string?>? environment = null, Func<string, string?>? readFile = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _readFile = readFile;
        _namespace = new Option<string?>("--namespace") { Description = "where the configuration and the leader Lease live (default: the Pod's namespace in a cluster, else metallb-system)", HelpName = "NS" }.FromEnvironment("METALLB_NAMESPACE", _environment);
        _podName = new Option<string?>("--pod-name") { Description = "this controller Pod; its name in the leader Lease", HelpName = "POD" }.FromEnvironment("METALLB_POD_NAME", _environment);
        _mlSecretName = new Option<string?>("--ml-secret-name") { Description = "the speakers' memberlist Secret, created with a random key when absent (default memberlist)", HelpName = "NAME" }.FromEnvironment("METALLB_ML_SECRET_NAME", _environment);
        _deployment = new Option<string?>("--deployment") { Description = "the controller's Deployment, made the owner of the memberlist Secret it creates (default controller)", HelpName = "NAME" }.FromEnvironment("METALLB_DEPLOYMENT", _environment);
        _ignored.Value("--webhook-mode", NoWebhook);
        _ignored.Switch("--disable-cert-rotation", NoWebhook);
        _ignored.Value("--cert-dir", NoWebhook);
        _ignored.Value("--cert-service-name", NoWebhook);
        _ignored.Value("--webhook-secret", NoWebhook);
        _ignored.Switch("--webhook-http2", NoWebhook);
        _ignored.Switch("--disable-epslices", "the controller does not read endpoints (MetalLB v0.13.0 to v0.13.9)");
        _ignored.Switch("--enable-pprof", NoPprof);
        _ignored.Value("--pprof-bind-address", NoPprof);
        _ignored.Value("--tls-min-version", NoTls);
        _ignored.Value("--tls-cipher-suites", NoTls);
        _ignored.Value("--tls-curve-preferences", NoTls);
        _ignored.Value("--metrics-cert-dir", NoTls);
        _ignored.Variable("METALLB_BGP_TYPE", "BareLb announces with Layer 2 only (no BGP, no FRR)");
    }

    /// <summary>The command; its action runs the controller.</summary>
    public RootCommand Create(Func<ControllerSettings, Task<int>>? run = null)
    {
        var root = new RootCommand("barelb-controller: hands out addresses to Services of type LoadBalancer from MetalLB's configuration; replicas elect a leader over a Lease.")
        {
            _kubeconfig, _namespace, _lbClass, _listen, _identity, _leaseDuration, _logLevel, _port, _host, _healthProbePort, _podName, _config, _mlSecretName, _deployment,
        };
        foreach (var option in _ignored.Options)
        {
            root.Options.Add(option);
        }

        run ??= settings => ControllerHost.RunAsync(settings);
        root.SetAction((result, _) => run(Bind(result)));
        return root;
    }

    /// <summary>Reads and checks the options.</summary>
    /// <exception cref="UsageException">A value is wrong; the message names the flag.</exception>
    public ControllerSettings Bind(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var kubeconfig = result.GetValue(_kubeconfig);
        if (kubeconfig is not null && !File.Exists(kubeconfig))
        {
            throw new UsageException($"--kubeconfig {kubeconfig}: no such file");
        }

        var listen = new List<ListenAddress>();
        if (result.GetValue(_listen) is { } listenText)
        {
            listen.Add(ListenAddress.TryParse(listenText, out var address, out _) ? address : throw new UsageException($"--listen {listenText}: expected HOST:PORT, e.g. 127.0.0.1:7472"));
        }

        var host = result.GetValue(_host);
        if (host is not null && !System.Net.IPAddress.TryParse(host, out _))
        {
            throw new UsageException($"--host {host}: expected an IP address");
        }

        var port = Port(result.GetValue(_port), "--port");
        if (port is { } metricsPort)
        {
            listen.Add(host is null ? ListenAddress.AnyOn(metricsPort) : new ListenAddress(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host, metricsPort));
        }

        var healthPort = Port(result.GetValue(_healthProbePort), "--health-probe-port") ?? (port is null ? null : DefaultHealthProbePort);
        if (healthPort is > 0 && healthPort != port)
        {
            listen.Add(ListenAddress.AnyOn(healthPort.Value));
        }

        if (listen.Count == 0)
        {
            listen.Add(DefaultListen);
        }

        var leaseDuration = TimeSpan.FromSeconds(15);
        if (result.GetValue(_leaseDuration) is { } leaseText)
        {
            if (!double.TryParse(leaseText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 1 && seconds <= 3600))
            {
                throw new UsageException($"--lease-duration {leaseText}: expected a number of seconds from 1 to 3600");
            }

            leaseDuration = TimeSpan.FromSeconds(seconds);
        }

        var settings = new ControllerSettings
        {
            Kubeconfig = kubeconfig,
            Namespace = result.GetValue(_namespace) ?? ServiceAccountNamespace.Read(_readFile) ?? MetalLbApi.DefaultNamespace,
            ConfigMapName = result.GetValue(_config) ?? "config",
            LoadBalancerClass = result.GetValue(_lbClass) is { Length: > 0 } lbClass ? lbClass : null,
            Identity = result.GetValue(_identity) ?? result.GetValue(_podName) ?? (_environment("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName),
            LeaseDuration = leaseDuration,
            Listen = listen,
            LogLevel = LogLevels.TryParse(result.GetValue(_logLevel), out var level) ? level.Value : Microsoft.Extensions.Logging.LogLevel.Information,
            MemberlistSecretName = result.GetValue(_mlSecretName) is { Length: > 0 } secretName ? secretName : "memberlist",
            DeploymentName = result.GetValue(_deployment) is { Length: > 0 } deployment ? deployment : "controller",
        };
        _ignored.Collect(result, _environment, settings.Ignored);
        return settings;
    }

    private static int? Port(string? text, string flag) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port
        : throw new UsageException($"{flag} {text}: expected a port number from 0 to 65535");
}
