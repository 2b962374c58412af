using BareLb.Hosting.Http;
using BareLb.Hosting.Kubeconfig;
using BareLb.Hosting.Logging;
using BareLb.Hosting.Signals;
using Microsoft.Extensions.Logging;

namespace BareLb.Hosts.Tests.Hosting;

/// <summary>Kubeconfig resolution, MetalLB's log levels, listen addresses, signals.</summary>
public sealed class HostingPartsTests
{
    [Theory]
    [InlineData("all", LogLevel.Trace)]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("none", LogLevel.None)]
    public void MetalLbLogLevels_MapToDotNetLevels(string name, LogLevel expected)
    {
        Assert.True(LogLevels.TryParse(name, out var level));
        Assert.Equal(expected, level);
    }

    [Fact]
    public void AnUnknownLogLevel_IsRefused() => Assert.False(LogLevels.TryParse("verbose", out _));

    [Theory]
    [InlineData("127.0.0.1:7472", "127.0.0.1", 7472, false)]
    [InlineData("[::1]:0", "[::1]", 0, false)]
    [InlineData("*:7472", "*", 7472, true)]
    [InlineData("0.0.0.0:9120", "0.0.0.0", 9120, true)]
    [InlineData("localhost:1", "localhost", 1, false)]
    public void ListenAddresses_Parse(string text, string host, int port, bool wildcard)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out _));
        Assert.Equal(new ListenAddress(host, port), address);
        Assert.Equal(wildcard, address.IsWildcard);
    }

    [Theory]
    [InlineData("nonsense", "'nonsense' is not HOST:PORT")]
    [InlineData("::1:80", "'::1:80': write an IPv6 host in brackets")]
    [InlineData("[nope]:80", "'[nope]:80': '[nope]' is not an IPv6 address")]
    [InlineData("example.com:80", "'example.com:80': the host must be an IP address")]
    [InlineData("127.0.0.1:65536", "'127.0.0.1:65536': the port must be a whole number from 0 to 65535")]
    public void BadListenAddresses_SayWhy(string text, string expected)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Kubeconfig_IsExplicitThenInClusterThenVariableThenUserFile()
    {
        var directory = Directory.CreateTempSubdirectory("barelb-kubeconfig-");
        try
        {
            var explicitFile = Path.Combine(directory.FullName, "explicit");
            var variableFile = Path.Combine(directory.FullName, "variable");
            Directory.CreateDirectory(Path.Combine(directory.FullName, ".kube"));
            var userFile = Path.Combine(directory.FullName, ".kube", "config");
            foreach (var file in new[] { explicitFile, variableFile, userFile })
            {
                File.WriteAllText(file, "");
            }

            var environment = new Dictionary<string, string> { ["KUBECONFIG"] = "/nonexistent:" + variableFile, ["HOME"] = directory.FullName };
            string? Env(string name) => environment.TryGetValue(name, out var value) ? value : null;

            Assert.Equal(new KubeconfigSource(KubeconfigSourceKind.ExplicitFile, explicitFile), KubeconfigResolver.Choose(explicitFile, Env, inCluster: true));
            Assert.Equal(new KubeconfigSource(KubeconfigSourceKind.InCluster, null), KubeconfigResolver.Choose(null, Env, inCluster: true));
            Assert.Equal(new KubeconfigSource(KubeconfigSourceKind.EnvironmentVariable, variableFile), KubeconfigResolver.Choose(null, Env, inCluster: false));
            environment.Remove("KUBECONFIG");
            Assert.Equal(new KubeconfigSource(KubeconfigSourceKind.UserFile, userFile), KubeconfigResolver.Choose(null, Env, inCluster: false));
            File.Delete(userFile);
            Assert.Contains("no Kubernetes configuration", Assert.Throws<KubeconfigException>(() => KubeconfigResolver.Choose(null, Env, inCluster: false)).Message, StringComparison.Ordinal);
            Assert.Equal("--kubeconfig /nonexistent/kubeconfig: no such file", Assert.Throws<KubeconfigException>(() => KubeconfigResolver.Choose("/nonexistent/kubeconfig", Env, inCluster: true)).Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ServiceAccountNamespace_IsTrimmed_AndNullOutsideAPod()
    {
        Assert.Equal("metallb-system", ServiceAccountNamespace.Read(_ => "metallb-system\n"));
        Assert.Null(ServiceAccountNamespace.Read(_ => null));
        Assert.Null(ServiceAccountNamespace.Read(_ => throw new IOException("gone")));
    }

    [Fact]
    public void TheIgnoredSignalMask_IsReadFromProc()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/status");
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.Equal(ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), TerminationSignals.IgnoredMask());
    }
}
