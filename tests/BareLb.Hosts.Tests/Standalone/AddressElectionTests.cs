using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Speaker.Standalone.Failover;

namespace BareLb.Hosts.Tests.Standalone;

/// <summary>Which appliance announces each address: Core's election among the live members, each address alone.</summary>
public sealed class AddressElectionTests
{
    private static readonly IPAddr[] Addresses = [.. Enumerable.Range(100, 20).Select(i => IPAddr.Parse($"198.18.0.{i}")), IPAddr.Parse("2001:db8::100")];
    private static readonly string[] Members = ["appliance-1", "appliance-2", "appliance-3"];

    [Fact]
    public void EachAddressGoesToTheWinnerOfCoresElectionWhateverTheOrderOfMembers()
    {
        var winners = AddressElection.Winners(Members, Addresses);
        var reversed = AddressElection.Winners(Members.Reverse(), Addresses);

        foreach (var address in Addresses)
        {
            Assert.Equal(Layer2Election.Elect(address, [.. Members.Select(m => new NodeCandidate(m))])!.Name, winners[address]);
            Assert.Equal(winners[address], reversed[address]);
        }

        // Twenty-one addresses spread over the three members, and each member's share is what Owned gives it.
        Assert.Equal(Members.Length, winners.Values.Distinct().Count());
        foreach (var member in Members)
        {
            Assert.Equal(winners.Where(w => w.Value == member).Select(w => w.Key).Order(), AddressElection.Owned(member, Members, Addresses).Order());
        }
    }

    [Fact]
    public void AMemberGoneMovesOnlyItsOwnAddresses()
    {
        var before = AddressElection.Winners(Members, Addresses);
        var after = AddressElection.Winners(Members.Where(m => m != "appliance-2"), Addresses);

        foreach (var address in Addresses)
        {
            if (before[address] == "appliance-2")
            {
                Assert.NotEqual("appliance-2", after[address]);
            }
            else
            {
                Assert.Equal(before[address], after[address]);
            }
        }
    }

    [Fact]
    public void NoMemberNoWinner()
    {
        Assert.Empty(AddressElection.Winners([], Addresses));
        Assert.Empty(AddressElection.Owned("appliance-1", [], Addresses));
    }
}
