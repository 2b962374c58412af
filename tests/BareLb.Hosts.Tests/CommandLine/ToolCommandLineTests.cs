using BareLb.Hosting.CommandLine;
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

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLineRunner.InvokeAsync("barelb", ToolCommandLine.Create(output, error), args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
