using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>Bad input to <c>barelb-speaker standalone</c>: one line on stderr, a non-zero exit, no stack trace.</summary>
[Collection("network")]
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--address 198.18.0.100", "--interface is required")]
    [InlineData("--interface vn", "at least one --address is required")]
    [InlineData("--interface vn --address 198.18.0.300", "an IPv4 part is at most 255")]
    [InlineData("--interface vn --address 2001:db8::zz", "2001:db8::zz")]
    [InlineData("--interface vn --address 224.0.0.1", "multicast")]
    [InlineData("--interface vn --address 198.18.0.100 --transport token-ring", "--transport 'token-ring' is not a transport")]
    [InlineData("--interface vn --address 198.18.0.100 --frobnicate", "unknown option '--frobnicate'")]
    [InlineData("--interface vn --address 198.18.0.100 --announce-count 0", "--announce-count '0' must be")]
    [InlineData("--interface vn --address 198.18.0.100 --metrics-listen 127.0.0.1", "--metrics-listen '127.0.0.1' is not HOST:PORT")]
    [InlineData("--interface vn --address 198.18.0.100 --metrics-listen ::1:9100", "write an IPv6 host in brackets")]
    public void BadArgumentsGiveOneLineAndExit2(string arguments, string expected)
    {
        var result = Shell.Run(SpeakerProcess.ExecutablePath, ["standalone", .. arguments.Split(' ')]);
        AssertOneLine(result, expected);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void UnknownInterfaceGivesOneLineAndExits1()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var result = Namespaces.TryExec(topology.Nodes[0], SpeakerProcess.ExecutablePath, "standalone", "--interface", "nope0", "--address", "198.18.0.100");
        AssertOneLine(result, "Interface nope0 does not exist.");
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void MissingCapNetRawGivesOneLineAndExits1()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var result = Namespaces.TryExec(topology.Nodes[0], "setpriv", "--inh-caps=-net_raw", "--bounding-set=-net_raw", SpeakerProcess.ExecutablePath, "standalone", "--interface", "vn", "--address", "198.18.0.100");
        AssertOneLine(result, "CAP_NET_RAW is needed");
        Assert.Equal(1, result.ExitCode);
    }

    private static void AssertOneLine(Shell.Result result, string expected)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("barelb-speaker: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }
}
