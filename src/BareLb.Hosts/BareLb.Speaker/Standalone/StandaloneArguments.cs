using BareLb.Arp;
using BareLb.Core.Addresses;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Metrics;

namespace BareLb.Speaker.Standalone;

/// <summary>The transports <c>--transport</c> accepts.</summary>
internal enum TransportKind
{
    AfPacket,
    Pcap,
}

/// <summary>The parsed command line of <c>barelb-speaker standalone</c>.</summary>
internal sealed record StandaloneArguments(string InterfaceName, IReadOnlyList<IPAddr> Addresses, TransportKind Transport, string? NetworkNamespace, Layer2Options Options, MetricsEndpoint? MetricsListen = null)
{
    public const string Usage = """
        Usage: barelb-speaker standalone --interface IF --address IP [--address IP ...] [options]

        Answers ARP (IPv4) and neighbor solicitations (IPv6) for the addresses on IF, and
        announces them (gratuitous ARP, unsolicited neighbor advertisements) until SIGINT or
        SIGTERM; then it stops answering and exits 0.

        Options:
          -i, --interface IF          Ethernet interface to answer on (required)
          -a, --address IP            address to announce; repeat for more (at least one)
              --transport KIND        afpacket (default, Linux, no native dependency) or pcap (libpcap)
              --announce-count N      announcements sent when an address is gained (default 3)
              --announce-interval MS  milliseconds between them (default 300)
              --refresh SECONDS       seconds between refresh announcements, 0 for none (default 60)
              --rate-limit N          replies per second to one source MAC, up to 1000000, 0 for none (default 100)
              --busy-poll US          after a frame, poll this many microseconds before sleeping (default 0)
              --netns NAME            open the interface in network namespace NAME (ip netns)
              --metrics-listen H:P    serve Prometheus metrics at http://H:P/metrics (default off; port 0 picks a free one)
          -h, --help                  show this help
        """;

    /// <summary>Parses the arguments after <c>standalone</c>; null means help was asked for.</summary>
    /// <exception cref="UsageException">A bad or missing argument; the message names it.</exception>
    public static StandaloneArguments? Parse(IReadOnlyList<string> args)
    {
        string? interfaceName = null;
        string? netns = null;
        MetricsEndpoint? metrics = null;
        var addresses = new List<IPAddr>();
        var transport = TransportKind.AfPacket;
        var options = new Layer2Options();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{name} needs a value");
                }

                return args[++i];
            }

            switch (name)
            {
                case "-h" or "--help":
                    return null;
                case "-i" or "--interface":
                    if (interfaceName is not null)
                    {
                        throw new UsageException("--interface is given twice; one speaker answers on one interface");
                    }

                    interfaceName = Value();
                    if (interfaceName.Length is 0 or > 15 || interfaceName.Contains('/', StringComparison.Ordinal) || interfaceName.Any(char.IsWhiteSpace))
                    {
                        throw new UsageException($"--interface '{interfaceName}' is not an interface name");
                    }

                    break;
                case "-a" or "--address":
                    addresses.Add(ParseAddress(Value(), addresses));
                    break;
                case "--transport":
                    transport = Value() switch
                    {
                        "afpacket" => TransportKind.AfPacket,
                        "pcap" => TransportKind.Pcap,
                        var other => throw new UsageException($"--transport '{other}' is not a transport (afpacket or pcap)"),
                    };
                    break;
                case "--announce-count":
                    options.AnnouncementCount = ParseInt(name, Value(), 1, 100);
                    break;
                case "--announce-interval":
                    options.AnnouncementInterval = TimeSpan.FromMilliseconds(ParseInt(name, Value(), 1, 60_000));
                    break;
                case "--refresh":
                    options.RefreshInterval = TimeSpan.FromSeconds(ParseInt(name, Value(), 0, 86_400));
                    break;
                case "--rate-limit":
                    options.RateLimitPerSecond = ParseInt(name, Value(), 0, 1_000_000);
                    options.RateLimitBurst = Math.Max(options.RateLimitBurst, options.RateLimitPerSecond / 2);
                    break;
                case "--busy-poll":
                    options.BusyPoll = TimeSpan.FromMicroseconds(ParseInt(name, Value(), 0, 10_000));
                    break;
                case "--netns":
                    netns = Value();
                    break;
                case "--metrics-listen":
                    metrics = MetricsEndpoint.Parse(Value());
                    break;
                default:
                    throw new UsageException($"unknown option '{args[i]}' (see barelb-speaker standalone --help)");
            }
        }

        if (interfaceName is null)
        {
            throw new UsageException("--interface is required (see barelb-speaker standalone --help)");
        }

        if (addresses.Count == 0)
        {
            throw new UsageException("at least one --address is required (see barelb-speaker standalone --help)");
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new UsageException(errors[0]);
        }

        return new StandaloneArguments(interfaceName, addresses, transport, netns, options, metrics);
    }

    private static IPAddr ParseAddress(string text, List<IPAddr> seen)
    {
        if (!IPAddr.TryParse(text.AsSpan(), out var address, out var error))
        {
            throw new UsageException($"--address: {error}");
        }

        if (!Layer2Engine.IsAnnounceable(address, out var why))
        {
            throw new UsageException($"--address {address} cannot be announced: {why}");
        }

        if (seen.Contains(address))
        {
            throw new UsageException($"--address {address} is given twice");
        }

        return address;
    }

    private static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{name} '{text}' must be a whole number from {min} to {max}");
        }

        return value;
    }
}
