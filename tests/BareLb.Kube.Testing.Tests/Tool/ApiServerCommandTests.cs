using System.Diagnostics;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Tool;

public sealed class ApiServerCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProcessStartInfo Barelb(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.ToolAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    [Fact]
    public async Task Apiserver_PrintsAddressAndKubeconfig_ServesClients_DualStackWhenAsked_AndStopsOnSigterm()
    {
        var directory = Directory.CreateTempSubdirectory("barelb-tool-test-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            using var process = Process.Start(Barelb("apiserver", "--port", "0", "--kubeconfig", kubeconfig, "--service-cidr", "10.96.0.0/12,2001:db8:ffff::/112"))!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var second = await process.StandardOutput.ReadLineAsync(timeout.Token);

            Assert.Matches(@"^barelb apiserver listening on http://127\.0\.0\.1:\d+/$", first);
            Assert.Equal($"kubeconfig: {kubeconfig}", second);
            using (var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)))
            {
                var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: Ct);
                Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
                var dual = await client.CoreV1.CreateNamespacedServiceAsync(
                    new V1Service
                    {
                        Metadata = new V1ObjectMeta { Name = "dual" },
                        Spec = new V1ServiceSpec { IpFamilyPolicy = "RequireDualStack", Ports = [new V1ServicePort { Port = 80 }] },
                    },
                    "default",
                    cancellationToken: Ct);
                Assert.Equal(["IPv4", "IPv6"], dual.Spec.IpFamilies);
                Assert.StartsWith("2001:db8:ffff::", dual.Spec.ClusterIPs[1], StringComparison.Ordinal);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("barelb apiserver stopping", rest, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "apiserver", "--port", "http" }, 2)]
    [InlineData(new[] { "frobnicate" }, 2)]
    [InlineData(new[] { "apiserver", "--service-cidr", "10.96.0.0/33" }, 2)]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "--help" }, 0)]
    [InlineData(new[] { "apiserver", "--help" }, 0)]
    public async Task InvalidOrHelpArguments_ExitWithoutServing(string[] args, int exitCode)
    {
        using var process = Process.Start(Barelb(args))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(exitCode, process.ExitCode);
        if (exitCode == 0)
        {
            Assert.Contains("Usage:", await output, StringComparison.Ordinal);
        }
        else
        {
            // A usage error is one line on stderr, naming the program.
            Assert.StartsWith("barelb: ", Assert.Single((await error).Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
    }
}
