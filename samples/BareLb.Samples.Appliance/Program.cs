// An appliance in a page: boxes that run this program keep one virtual address up between them. They learn who
// is alive from memberlist (BareLb.Membership), each computes the same owner with MetalLB's Layer 2 election
// (BareLb.Core), and the owner alone answers ARP and NDP for the address (BareLb.Arp). When the owner dies, the
// others see it fail and the next in the election takes the address over with gratuitous ARPs.
//
//   barelb-appliance-sample --name box-1 --bind 198.18.0.2 --join 198.18.0.3 --interface eth0 --address 198.18.0.100
using System.Net;
using System.Runtime.InteropServices;
using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Membership.Hosting;

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: barelb-appliance-sample --name NAME --bind IP [--join IP]... --interface IFACE --address VIP");
    return 2;
}

using var engine = new Layer2Engine(new Layer2Options());
engine.AddInterface(AfPacketTransport.Open(options.Interface));
await using var node = await MembershipNode.StartAsync(
    new MembershipNodeOptions { NodeName = options.Name, BindAddress = options.Bind },
    join: options.Join.Select(ip => new IPEndPoint(ip, 7946)));

var gate = new Lock();
var announcing = false;
void Decide()
{
    lock (gate)
    {
        var owner = Layer2Election.Elect(options.Address, [.. node.LiveMembers.Select(m => new NodeCandidate(m.Name))])?.Name;
        if ((owner == options.Name) == announcing)
        {
            return;
        }

        announcing = !announcing;
        if (announcing)
        {
            engine.Announce(options.Interface, options.Address);
        }
        else
        {
            engine.Withdraw(options.Interface, options.Address);
        }

        Console.WriteLine(announcing ? $"{options.Name} announces {options.Address}" : $"{options.Name} withdraws {options.Address}: {owner} owns it");
    }
}

node.MemberChanged += (_, _) => Decide();
Decide();

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // Leaving: the others see "left" at once and re-elect, rather than waiting to find this box dead.
}

await node.LeaveAsync(TimeSpan.FromSeconds(1));
return 0;

/// <summary>The command line, checked.</summary>
internal sealed record Options(string Name, IPAddress Bind, IReadOnlyList<IPAddress> Join, string Interface, IPAddr Address)
{
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            (values.TryGetValue(args[i], out var list) ? list : values[args[i]] = []).Add(args[i + 1]);
        }

        string? One(string key) => values.TryGetValue(key, out var list) && list.Count == 1 ? list[0] : null;
        var join = values.GetValueOrDefault("--join") ?? [];
        return args.Length % 2 == 0 && One("--name") is { } name && IPAddress.TryParse(One("--bind"), out var bind)
            && One("--interface") is { } iface && IPAddr.TryParse(One("--address"), out var address)
            && join.All(j => IPAddress.TryParse(j, out _))
            ? new Options(name, bind, [.. join.Select(IPAddress.Parse)], iface, address)
            : null;
    }
}
