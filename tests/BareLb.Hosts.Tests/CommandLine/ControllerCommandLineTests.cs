using BareLb.Controller;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Http;
using BareLb.Hosting.Kubeconfig;
using Microsoft.Extensions.Logging;

namespace BareLb.Hosts.Tests.CommandLine;

/// <summary>barelb-controller's command line, in process: BareLb's flags and MetalLB's, with environment fallbacks.</summary>
public sealed class ControllerCommandLineTests
{
    private static ControllerSettings Bind(IReadOnlyDictionary<string, string>? environment, string? serviceAccountNamespace, params string[] args)
    {
        environment ??= new Dictionary<string, string>();
        var commandLine = new ControllerCommandLine(
            name => environment.TryGetValue(name, out var value) ? value : null,
            path => path == ServiceAccountNamespace.Path ? serviceAccountNamespace : null);
        var result = CommandLineRunner.Parse(commandLine.Create(_ => Task.FromResult(0)), args);
        Assert.Null(CommandLineRunner.FirstError(result, "barelb-controller"));
        return commandLine.Bind(result);
    }

    [Fact]
    public void Defaults_AreBareLbs_LoopbackPort7472AndMetallbSystem()
    {
        var settings = Bind(null, null);

        Assert.Equal([new ListenAddress("127.0.0.1", 7472)], settings.Listen);
        Assert.Equal("metallb-system", settings.Namespace);
        Assert.Equal("config", settings.ConfigMapName);
        Assert.Null(settings.LoadBalancerClass);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.LeaseDuration);
        Assert.Equal(LogLevel.Information, settings.LogLevel);
    }

    [Fact]
    public void MetalLb016Manifest_ServesMetricsOnItsPortAndProbesOn17472_AndNamesTheLeaseHolderAfterThePod()
    {
        // metallb-native.yaml v0.16.1: args --port=9120 --log-level=info; env METALLB_POD_NAME, METALLB_ML_SECRET_NAME, METALLB_DEPLOYMENT.
        var environment = new Dictionary<string, string> { ["METALLB_POD_NAME"] = "controller-5c7d9", ["METALLB_ML_SECRET_NAME"] = "memberlist", ["METALLB_DEPLOYMENT"] = "controller" };
        var settings = Bind(environment, "metallb-system", "--port=9120", "--log-level=info");

        Assert.Equal([ListenAddress.AnyOn(9120), ListenAddress.AnyOn(17472)], settings.Listen);
        Assert.Equal("controller-5c7d9", settings.Identity);
        Assert.Equal("memberlist", settings.MemberlistSecretName);
        Assert.Equal("controller", settings.DeploymentName);
        Assert.Empty(settings.Ignored.Settings);
    }

    [Fact]
    public void WithoutNamespaceFlagOrVariable_ThePodsNamespaceIsUsed_AsMetalLbDoes()
    {
        Assert.Equal("lb-system", Bind(null, "lb-system\n").Namespace);
        Assert.Equal("from-env", Bind(new Dictionary<string, string> { ["METALLB_NAMESPACE"] = "from-env" }, "lb-system").Namespace);
        Assert.Equal("from-flag", Bind(new Dictionary<string, string> { ["METALLB_NAMESPACE"] = "from-env" }, "lb-system", "--namespace=from-flag").Namespace);
    }

    [Fact]
    public void Identity_IsIdentityThenPodNameThenItsVariablesThenTheHostName()
    {
        var environment = new Dictionary<string, string> { ["METALLB_POD_NAME"] = "metallb-pod", ["POD_NAME"] = "pod" };
        Assert.Equal("explicit", Bind(environment, null, "--identity=explicit", "--pod-name", "flag-pod").Identity);
        Assert.Equal("flag-pod", Bind(environment, null, "--pod-name", "flag-pod").Identity);
        Assert.Equal("metallb-pod", Bind(environment, null).Identity);
        Assert.Equal("pod", Bind(new Dictionary<string, string> { ["POD_NAME"] = "pod" }, null).Identity);
        Assert.Equal(Environment.MachineName, Bind(null, null).Identity);
    }

    [Fact]
    public void ListenPortHostAndHealthProbePort_Combine()
    {
        Assert.Equal([new ListenAddress("127.0.0.1", 0), ListenAddress.AnyOn(7472), ListenAddress.AnyOn(17472)], Bind(null, null, "--listen=127.0.0.1:0", "--port", "7472").Listen);
        Assert.Equal([new ListenAddress("198.18.0.5", 7472), ListenAddress.AnyOn(17472)], Bind(null, null, "--port", "7472", "--host", "198.18.0.5").Listen);
        Assert.Equal([ListenAddress.AnyOn(7472)], Bind(null, null, "--port", "7472", "--health-probe-port", "0").Listen);
        Assert.Equal([ListenAddress.AnyOn(18000)], Bind(null, null, "--health-probe-port", "18000").Listen);
    }

    [Fact]
    public void MetalLbFeatureFlags_MapOrAreIgnored()
    {
        var settings = Bind(null, null, "--config=legacy", "--lb-class=example.com/lb", "--webhook-mode=disabled", "--disable-cert-rotation", "--cert-service-name", "metallb-webhook-service", "--enable-pprof", "--tls-cipher-suites=TLS_AES_128_GCM_SHA256", "--deployment=metallb-controller", "--ml-secret-name=ml");

        Assert.Equal("legacy", settings.ConfigMapName);
        Assert.Equal("example.com/lb", settings.LoadBalancerClass);
        Assert.Equal("ml", settings.MemberlistSecretName);
        Assert.Equal("metallb-controller", settings.DeploymentName);
        string[] expected = ["--webhook-mode=disabled", "--disable-cert-rotation", "--cert-service-name=metallb-webhook-service", "--enable-pprof", "--tls-cipher-suites=TLS_AES_128_GCM_SHA256"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), settings.Ignored.Settings.Select(s => s.Setting).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("--listen nonsense", "--listen nonsense: expected HOST:PORT")]
    [InlineData("--lease-duration 0.5", "--lease-duration 0.5: expected a number of seconds from 1 to 3600")]
    [InlineData("--kubeconfig /nonexistent/kubeconfig", "--kubeconfig /nonexistent/kubeconfig: no such file")]
    [InlineData("--port 70000", "--port 70000: expected a port number from 0 to 65535")]
    [InlineData("--host example.com --port 1", "--host example.com: expected an IP address")]
    public void BadValues_AreUsageErrors(string args, string expected)
    {
        var commandLine = new ControllerCommandLine(_ => null, _ => null);
        var result = CommandLineRunner.Parse(commandLine.Create(_ => Task.FromResult(0)), args.Split(' '));
        Assert.StartsWith(expected, Assert.Throws<UsageException>(() => commandLine.Bind(result)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_IsOneLineAndExit2_AndHelpExits0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(2, await CommandLineRunner.InvokeAsync("barelb-controller", new ControllerCommandLine(_ => null).Create(_ => Task.FromResult(0)), ["--frobnicate", "x"], output, error, ct));
        Assert.Equal("barelb-controller: unknown option '--frobnicate' (see barelb-controller --help)" + Environment.NewLine, error.ToString());

        Assert.Equal(0, await CommandLineRunner.InvokeAsync("barelb-controller", new ControllerCommandLine(_ => null).Create(_ => Task.FromResult(0)), ["--help"], output, error, ct));
        Assert.Contains("--webhook-mode", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("[env: METALLB_NAMESPACE]", output.ToString(), StringComparison.Ordinal);
    }
}
