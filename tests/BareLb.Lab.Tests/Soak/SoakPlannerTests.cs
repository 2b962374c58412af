using System.Net;
using BareLb.Lab.Soak;

namespace BareLb.Lab.Tests.Soak;

/// <summary>The soak's random steps: reproducible from the seed, within its limits, and the objects it writes.</summary>
public sealed class SoakPlannerTests
{
    private static readonly string[] Nodes = ["n1", "n2", "n3"];

    [Fact]
    public void TheSameSeed_GivesTheSameSteps_AndAnotherSeedOthers()
    {
        Assert.Equal(Steps(42, 200), Steps(42, 200));
        Assert.NotEqual(Steps(42, 200), Steps(43, 200));
    }

    [Fact]
    public void TheStepsStayWithinTheLimits_AndEveryKindOccurs()
    {
        var planner = new SoakPlanner(7, Nodes, maxServices: 3);
        var state = new SoakState();
        var kinds = new HashSet<SoakActionKind>();
        for (var i = 0; i < 2000; i++)
        {
            var step = planner.Next(state);
            kinds.Add(step.Kind);
            switch (step.Kind)
            {
                case SoakActionKind.CreateService:
                    Assert.True(state.Services.Count < 3, "a Service beyond the limit");
                    Assert.DoesNotContain(step.Target, state.Services.Keys);
                    break;
                case SoakActionKind.DeleteService or SoakActionKind.SwitchType or SoakActionKind.SwitchFamily:
                    Assert.Contains(step.Target, state.Services.Keys);
                    break;
                case SoakActionKind.KillSpeaker or SoakActionKind.RestartSpeaker or SoakActionKind.FlapLink:
                    Assert.Contains(step.Target, Nodes);
                    Assert.InRange(step.Pause, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3));
                    break;
            }

            if (step.Kind == SoakActionKind.SwitchFamily)
            {
                Assert.NotEqual(state.Services[step.Target].Family, step.Service!.Family);
            }

            SoakPlanner.Apply(state, step);
            Assert.InRange(state.Services.Count, 0, 3);
        }

        Assert.Equal(Enum.GetValues<SoakActionKind>().Length, kinds.Count);
    }

    [Fact]
    public void TheSoaksObjects_UseOnlyTheLabsSubnets_AndADualStackServiceHasAnEndpointSliceOfEachFamily()
    {
        var options = new SoakOptions();
        var yaml = SoakManifests.Base(options, IPAddress.Parse("198.18.35.0"), IPAddress.Parse("2001:db8:35::"));
        Assert.Contains("- 198.18.35.120-198.18.35.139", yaml, StringComparison.Ordinal);
        Assert.Contains("- 2001:db8:35::120-2001:db8:35::139", yaml, StringComparison.Ordinal);
        Assert.Contains("- 198.18.35.140-198.18.35.149", yaml, StringComparison.Ordinal);
        Assert.Contains("autoAssign: false", yaml, StringComparison.Ordinal);

        var service = SoakManifests.Service(options, new SoakService("s1", true, SoakFamily.DualIPv6First, "soak-b"), "n2", IPAddress.Parse("198.18.35.12"), IPAddress.Parse("2001:db8:35::12"));
        Assert.Contains("ipFamilies: [IPv6, IPv4]", service, StringComparison.Ordinal);
        Assert.Contains("ipFamilyPolicy: RequireDualStack", service, StringComparison.Ordinal);
        Assert.Contains("metallb.universe.tf/address-pool: soak-b", service, StringComparison.Ordinal);
        Assert.Contains("addressType: IPv4", service, StringComparison.Ordinal);
        Assert.Contains("addressType: IPv6", service, StringComparison.Ordinal);
        Assert.Contains("nodeName: n2", service, StringComparison.Ordinal);

        var excluding = SoakManifests.Advertisement(options, "n3");
        Assert.Contains("operator: NotIn", excluding, StringComparison.Ordinal);
        Assert.Contains("values: [n3]", excluding, StringComparison.Ordinal);
        Assert.DoesNotContain("nodeSelectors", SoakManifests.Advertisement(options, null), StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptions_NameTheFieldAndTheReason()
    {
        var e = Assert.Throws<LabException>(() => new SoakOptions { Duration = TimeSpan.Zero }.Validate());
        Assert.Equal("Soak options: Duration 00:00:00 must be more than 0 and at most a day.", e.Message);
        Assert.Contains("MaxServices", Assert.Throws<LabException>(() => new SoakOptions { MaxServices = 50 }.Validate()).Message, StringComparison.Ordinal);
    }

    private static List<string> Steps(int seed, int count)
    {
        var planner = new SoakPlanner(seed, Nodes, maxServices: 8);
        var state = new SoakState();
        var steps = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var step = planner.Next(state);
            steps.Add(step.Description);
            SoakPlanner.Apply(state, step);
        }

        return steps;
    }
}
