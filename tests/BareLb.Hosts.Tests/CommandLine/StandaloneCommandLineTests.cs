using BareLb.Core.Addresses;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Http;
using BareLb.Speaker.Kubernetes;
using BareLb.Speaker.Standalone;

namespace BareLb.Hosts.Tests.CommandLine;

/// <summary><c>barelb-speaker standalone</c>'s options, parsed in process (the process tests in BareLb.Arp.Tests run it in namespaces).</summary>
public sealed class StandaloneCommandLineTests
{
    private static StandaloneArguments Parse(params string[] args)
    {
        var line = new StandaloneCommandLine();
        var root = new System.CommandLine.RootCommand { line.Create() };
        var result = CommandLineRunner.Parse(root, ["standalone", .. args]);
        Assert.Null(CommandLineRunner.FirstError(result, "barelb-speaker"));
        return StandaloneArguments.From(line.Read(result));
    }

    [Fact]
    public void BothSpellings_AndRepeatedAddresses_AreRead()
    {
        var parsed = Parse("-i", "eth0", "--address=198.18.0.100", "-a", "2001:db8::100", "--refresh=0", "--rate-limit", "0", "--metrics-listen=[::1]:0", "--transport=pcap");

        Assert.Equal("eth0", parsed.InterfaceName);
        Assert.Equal([IPAddr.Parse("198.18.0.100"), IPAddr.Parse("2001:db8::100")], parsed.Addresses);
        Assert.Equal(TimeSpan.Zero, parsed.Options.RefreshInterval);
        Assert.Equal(0, parsed.Options.RateLimitPerSecond);
        Assert.Equal(new ListenAddress("[::1]", 0), parsed.MetricsListen);
        Assert.Equal(TransportKind.Pcap, parsed.Transport);
    }

    [Theory]
    [InlineData("--address 198.18.0.100", "--interface is required")]
    [InlineData("--interface vn", "at least one --address is required")]
    [InlineData("--interface vn --interface vm --address 198.18.0.100", "--interface is given twice")]
    [InlineData("--interface vn --address 198.18.0.100 --address 198.18.0.100", "--address 198.18.0.100 is given twice")]
    [InlineData("--interface vn --address 224.0.0.1", "--address 224.0.0.1 cannot be announced")]
    [InlineData("--interface vn --address 198.18.0.100 --transport token-ring", "--transport 'token-ring' is not a transport")]
    [InlineData("--interface vn --address 198.18.0.100 --announce-count=0", "--announce-count '0' must be a whole number from 1 to 100")]
    [InlineData("--interface vn --address 198.18.0.100 --metrics-listen 127.0.0.1", "--metrics-listen '127.0.0.1' is not HOST:PORT")]
    [InlineData("--interface vn --address 198.18.0.100 --metrics-listen ::1:9100", "--metrics-listen '::1:9100': write an IPv6 host in brackets")]
    public void BadArguments_SayWhatIsWrong(string args, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Parse(args.Split(' ')));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutJoin_MembershipIsOff()
    {
        Assert.Null(Parse("-i", "eth0", "-a", "198.18.0.100").Failover);
    }

    [Fact]
    public void Join_Bind_SecretFile_AndNodeName_AreRead()
    {
        var secret = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secret, "shared secret\n");
            var parsed = Parse("-i", "eth0", "-a", "198.18.0.100", "--join", "198.18.0.2", "--join=198.18.0.3:7000", "--join", "[2001:db8::4]:7947", "--join", "2001:db8::5", "--join", "198.18.0.2", "--bind", "198.18.0.2", "--secret-file", secret, "--node-name", "appliance-1");

            var failover = Assert.IsType<Speaker.Standalone.Failover.FailoverArguments>(parsed.Failover);
            Assert.Equal(
                [new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.18.0.2"), 7946), new(System.Net.IPAddress.Parse("198.18.0.3"), 7000), new(System.Net.IPAddress.Parse("2001:db8::4"), 7947), new(System.Net.IPAddress.Parse("2001:db8::5"), 7946)],
                failover.Join);
            Assert.Equal(System.Net.IPAddress.Parse("198.18.0.2"), failover.BindAddress);
            Assert.Equal(7946, failover.BindPort);
            Assert.Equal("appliance-1", failover.NodeName);
            Assert.Equal(Membership.Security.MetalLbSecret.DeriveKey("shared secret\n"u8), failover.SecretKey);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Join_Defaults_AreTheHostName_NoKey_AndTheInterfaceAddress()
    {
        var failover = Parse("-i", "eth0", "-a", "198.18.0.100", "--join", "198.18.0.2", "--bind", "0.0.0.0:8000").Failover!;

        Assert.Equal(Environment.MachineName, failover.NodeName);
        Assert.Null(failover.SecretKey);
        Assert.Equal(System.Net.IPAddress.Any, failover.BindAddress);
        Assert.Equal(8000, failover.BindPort);
        Assert.Null(Parse("-i", "eth0", "-a", "198.18.0.100", "--join", "198.18.0.2").Failover!.BindAddress);
    }

    [Theory]
    [InlineData("--bind 198.18.0.2", "--bind needs --join")]
    [InlineData("--secret-file /nonexistent", "--secret-file needs --join")]
    [InlineData("--node-name a", "--node-name needs --join")]
    [InlineData("--join 198.18.0.999", "--join '198.18.0.999' is not ADDR[:PORT]")]
    [InlineData("--join appliance-2", "--join 'appliance-2' is not ADDR[:PORT]")]
    [InlineData("--join 198.18.0.2:0", "--join '198.18.0.2:0': the port must be")]
    [InlineData("--join 198.18.0.2:70000", "--join '198.18.0.2:70000': the port must be")]
    [InlineData("--join [2001:db8::2]x", "--join '[2001:db8::2]x' is not ADDR[:PORT]")]
    [InlineData("--join 0.0.0.0", "--join '0.0.0.0' is a wildcard address")]
    [InlineData("--join 198.18.0.2 --bind 198.18.0.1:x", "--bind '198.18.0.1:x': the port must be")]
    [InlineData("--join 198.18.0.2 --secret-file /nonexistent/secretkey", "--secret-file '/nonexistent/secretkey': ")]
    [InlineData("--join 198.18.0.2 --netns n1", "--join works without --netns only")]
    public void BadMembershipArguments_SayWhatIsWrong(string args, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Parse(["--interface", "vn", "--address", "198.18.0.100", .. args.Split(' ')]));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingValue_IsOneLineAndExit2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLineRunner.InvokeAsync("barelb-speaker", new SpeakerCommandLine(_ => null).Create(), ["standalone", "--interface"], output, error, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.StartsWith("barelb-speaker: ", Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
