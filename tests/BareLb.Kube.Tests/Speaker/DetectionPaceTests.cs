using k8s;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>What the speaker tells its membership about fast failure detection: needed while any Service has an address.</summary>
public sealed class DetectionPaceTests
{
    private const string Ip = "198.18.0.10";

    [Fact]
    public async Task EverySpeaker_HasAddressesAtStake_WhileAnyServiceHasAnAddress_AndNoneOnceItIsGone()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        await rig.StartSpeakersAsync();
        Assert.All(rig.Speakers.Values, s => Assert.False(s.Membership.AddressesAtStake));

        // One node announces it; all three must detect its failure fast, and the others' probes confirm a suspicion.
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await Eventually.TrueAsync(() => rig.Speakers.Values.All(s => s.Membership.AddressesAtStake == true), "every speaker says addresses are at stake");
        await Eventually.TrueAsync(() => rig.Announcers(Ip).Count == 1, "one speaker announces the address");

        await rig.Client.CoreV1.DeleteNamespacedServiceAsync("web", SpeakerRig.Apps, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => rig.Speakers.Values.All(s => s.Membership.AddressesAtStake == false), "no speaker says addresses are at stake");
    }
}
