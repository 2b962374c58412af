using BareLb.Hosting.CommandLine;
using BareLb.Hosts.Tests.Support;
using BareLb.Tool.Commands;

namespace BareLb.Hosts.Tests.CommandLine;

/// <summary><c>barelb</c>'s command tree, in process: usage errors are one line and exit 2, help exits 0.</summary>
public sealed class ToolCommandLineTests
{
    [Theory]
    [InlineData("", "barelb: Required command was not provided")]
    [InlineData("frobnicate", "barelb: unexpected argument 'frobnicate' (see barelb --help)")]
    [InlineData("config check", "barelb: no file given")]
    [InlineData("config check --strict x.yaml", "barelb: unknown option '--strict'")]
    [InlineData("config check --namespace", "barelb: Required argument missing for option: '--namespace'")]
    [InlineData("config convert a.yaml b.yaml", "barelb: exactly one file, please")]
    [InlineData("apiserver --port http", "barelb: --port needs a port number from 0 (any free port) to 65535, got \"http\"")]
    [InlineData("apiserver --listen 8080", "barelb: --listen needs HOST:PORT with HOST an IP address")]
    [InlineData("apiserver --listen 198.18.0.1", "barelb: --listen needs HOST:PORT with HOST an IP address")]
    [InlineData("apiserver --listen 198.18.0.1:70000", "barelb: --listen needs HOST:PORT with HOST an IP address")]
    [InlineData("apiserver --listen 198.18.0.1:80 --port 80", "barelb: --listen and --port both give the port")]
    public async Task UsageErrors_AreOneLineAndExit2(string args, string expected)
    {
        var (code, _, error) = await RunAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.StartsWith(expected, Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("config check --help")]
    [InlineData("apiserver -h")]
    public async Task Help_Exits0(string args)
    {
        var (code, output, error) = await RunAsync(args.Split(' '));

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task ApiServer_Listen_ServesOnThatAddressAndNamesItInTheKubeconfig()
    {
        var directory = Directory.CreateTempSubdirectory("barelb-listen-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            using var output = new SynchronizedStringWriter();
            using var error = new StringWriter();
            var run = CommandLineRunner.InvokeAsync("barelb", ToolCommandLine.Create(output, error), ["apiserver", "--listen", "127.0.0.2:0", "--kubeconfig", kubeconfig], output, error, stop.Token);

            while (!output.ToString().Contains("kubeconfig:", StringComparison.Ordinal))
            {
                Assert.False(run.IsCompleted, error.ToString());
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            var line = output.ToString().Split('\n').First(l => l.StartsWith("barelb apiserver listening on ", StringComparison.Ordinal));
            var baseAddress = new Uri(line["barelb apiserver listening on ".Length..].Trim());
            Assert.Equal("127.0.0.2", baseAddress.Host);
            Assert.Contains($"server: {baseAddress.ToString().TrimEnd('/')}", await File.ReadAllTextAsync(kubeconfig, TestContext.Current.CancellationToken), StringComparison.Ordinal);
            using var http = new HttpClient();
            var version = await http.GetStringAsync(new Uri(baseAddress, "version"), TestContext.Current.CancellationToken);
            Assert.Contains("gitVersion", version, StringComparison.Ordinal);

            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLineRunner.InvokeAsync("barelb", ToolCommandLine.Create(output, error), args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
