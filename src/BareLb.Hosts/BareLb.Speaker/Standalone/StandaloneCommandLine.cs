using System.CommandLine;

namespace BareLb.Speaker.Standalone;

/// <summary>The <c>standalone</c> subcommand's options on System.CommandLine; values are checked by <see cref="StandaloneArguments.From"/>.</summary>
internal sealed class StandaloneCommandLine
{
    private readonly Option<string[]> _interface = new("--interface", "-i") { Description = "Ethernet interface to answer on (required)", HelpName = "IF", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string[]> _address = new("--address", "-a") { Description = "address to announce; repeat for more (at least one)", HelpName = "IP", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string?> _transport = new("--transport") { Description = "afpacket (default, Linux, no native dependency) or pcap (libpcap)", HelpName = "KIND" };
    private readonly Option<string?> _announceCount = new("--announce-count") { Description = "announcements sent when an address is gained (default 3)", HelpName = "N" };
    private readonly Option<string?> _announceInterval = new("--announce-interval") { Description = "milliseconds between them (default 1100, past Linux's 1 s ARP locktime)", HelpName = "MS" };
    private readonly Option<string?> _refresh = new("--refresh") { Description = "seconds between refresh announcements, 0 for none (default 60)", HelpName = "SECONDS" };
    private readonly Option<string?> _rateLimit = new("--rate-limit") { Description = "replies per second to one source MAC, up to 1000000, 0 for none (default 100)", HelpName = "N" };
    private readonly Option<string?> _busyPoll = new("--busy-poll") { Description = "after a frame, poll this many microseconds before sleeping (default 0)", HelpName = "US" };
    private readonly Option<string?> _netns = new("--netns") { Description = "open the interface in network namespace NAME (ip netns)", HelpName = "NAME" };
    private readonly Option<string?> _metricsListen = new("--metrics-listen") { Description = "serve Prometheus metrics at http://HOST:PORT/metrics (default off; port 0 picks a free one)", HelpName = "HOST:PORT" };

    private readonly Option<string[]> _join = new("--join") { Description = "share the addresses with the appliance whose membership port is at ADDR[:PORT] (port 7946 by default); repeat for each appliance, this one's own address may be among them. Without --join the speaker announces every address alone", HelpName = "ADDR[:PORT]", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string?> _bind = new("--bind") { Description = "with --join: the membership address and port, UDP and TCP (default: the interface's first address, port 7946)", HelpName = "ADDR[:PORT]" };
    private readonly Option<string?> _secretFile = new("--secret-file") { Description = "with --join: encrypt the membership with the key MetalLB derives from this file (its memberlist Secret's secretkey)", HelpName = "PATH" };
    private readonly Option<string?> _nodeName = new("--node-name") { Description = "with --join: this appliance's name, unique among them (default: the host name)", HelpName = "NAME" };

    /// <summary>Creates the subcommand; its action runs <see cref="StandaloneCommand"/>.</summary>
    public Command Create()
    {
        var command = new Command("standalone", """
            Announce addresses on one interface (ARP and NDP), with no Kubernetes. Answers ARP (IPv4) and
            neighbor solicitations (IPv6) for the addresses on IF, and announces them (gratuitous ARP,
            unsolicited neighbor advertisements) until SIGINT or SIGTERM; then it stops answering and exits 0.
            With --join, appliances configured with the same addresses form a memberlist cluster (port 7946)
            and each address is announced by one live appliance, elected as MetalLB elects; the survivors take
            over a dead appliance's addresses, and on SIGTERM an appliance hands its addresses over first.
            """)
        {
            _interface, _address, _transport, _announceCount, _announceInterval, _refresh, _rateLimit, _busyPoll, _netns, _metricsListen, _join, _bind, _secretFile, _nodeName,
        };
        command.SetAction((result, _) => StandaloneCommand.RunAsync(StandaloneArguments.From(Read(result))));
        return command;
    }

    /// <summary>The options as written.</summary>
    public StandaloneArguments.Raw Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new StandaloneArguments.Raw(
            result.GetValue(_interface) ?? [],
            result.GetValue(_address) ?? [],
            result.GetValue(_transport),
            result.GetValue(_announceCount),
            result.GetValue(_announceInterval),
            result.GetValue(_refresh),
            result.GetValue(_rateLimit),
            result.GetValue(_busyPoll),
            result.GetValue(_netns),
            result.GetValue(_metricsListen),
            result.GetValue(_join) ?? [],
            result.GetValue(_bind),
            result.GetValue(_secretFile),
            result.GetValue(_nodeName));
    }
}
