using BareLb.Core.Addresses;
using BareLb.Core.Election;

namespace BareLb.Tool.Lab.WithoutPackets;

/// <summary>Layer 2: which node answers ARP for each address, before and after the busiest node goes down.</summary>
internal static class ElectionTable
{
    public static void Print(TextWriter output, IReadOnlyList<IPAddr> addresses)
    {
        var nodes = new[] { new NodeCandidate("node-a"), new NodeCandidate("node-b"), new NodeCandidate("node-c") };
        var down = Layer2Election.Elect(addresses[0], nodes)!.Name;
        var survivors = nodes.Where(n => n.Name != down).ToArray();
        output.WriteLine($"{"ADDRESS",-17}{"ALL NODES",-12}{down.ToUpperInvariant()} DOWN (only its addresses move)");
        foreach (var address in addresses)
        {
            output.WriteLine($"{address,-17}{Layer2Election.Elect(address, nodes)!.Name,-12}{Layer2Election.Elect(address, survivors)!.Name}");
        }
    }
}
