using System.Diagnostics;
using BareLb.Kube.Speaker;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// Membership traffic blocked while the API server still works: the announcer sees itself alone, the others see it
/// dead. MetalLB lets both answer; BareLb's speakers read each other's ServiceL2Status changes and agree on one.
/// </summary>
public sealed class SplitBrainTests
{
    private const string Ip = "198.18.0.10";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task SplitMembership_ConvergesToOneAnnouncer_ThroughTheApiServer_AndStaysThere()
    {
        await using var rig = await StartedAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();
        var split = Stopwatch.GetTimestamp();
        Split(rig, owner, others);

        await Eventually.TrueAsync(() => rig.Announcers(Ip).SequenceEqual([owner]) && others.All(n => rig.Speakers[n].Controller.CountedThroughApi > 0), "only the first-ranked node answers, the others count it through the API", TimeSpan.FromSeconds(10));
        var converged = Stopwatch.GetElapsedTime(split);
        var overlap = others.Select(n => rig.Speakers[n].Sink.LastChange()).Where(c => c.Started is not null)
            .Select(c => Stopwatch.GetElapsedTime(c.Started!.Value, c.Stopped ?? Stopwatch.GetTimestamp())).DefaultIfEmpty().Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"converged {converged.TotalMilliseconds:F0} ms after the split; a second node answered for {overlap.TotalMilliseconds:F0} ms");

        // Stable: the owner keeps renewing and nobody else takes the address over while it does.
        var renewed = await RenewalsAsync(rig, owner);
        await Eventually.TrueAsync(async () => await RenewalsAsync(rig, owner) != renewed, "the owner renews its status");
        var renewedAgain = await RenewalsAsync(rig, owner);
        await Eventually.TrueAsync(async () => await RenewalsAsync(rig, owner) != renewedAgain, "the owner renews its status again");
        Assert.Equal([owner], rig.Announcers(Ip));
        Assert.Equal(owner, Assert.Single(await rig.StatusesAsync()).Status!.Node);
    }

    [Fact]
    public async Task WhenTheSplitHeals_TheOwnerAnnouncesAgain_AndNoOneElseDoes()
    {
        await using var rig = await StartedAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();
        Split(rig, owner, others);
        await Eventually.TrueAsync(() => rig.Announcers(Ip).SequenceEqual([owner]) && others.All(n => rig.Speakers[n].Controller.CountedThroughApi > 0), "converged on the owner");
        Assert.All(others, n => Assert.Equal(0, rig.Speakers[n].Sink.Reannounced));
        var during = rig.Speakers[owner].Sink.Reannounced;

        // Clients that followed a cut-off node while the cluster was split must come back to the owner at once.
        foreach (var node in rig.Nodes)
        {
            rig.Speakers[node].Membership.Set([.. rig.Nodes]);
        }

        await Eventually.TrueAsync(() => rig.Speakers[owner].Sink.Reannounced > during, "the owner sends a fresh burst when the others come back");
        Assert.All(others, n => Assert.Equal(0, rig.Speakers[n].Sink.Reannounced));
        Assert.Equal([owner], rig.Announcers(Ip));
    }

    [Fact]
    public async Task WhenTheOthersClaimTheAddressAtTheSplit_TheOwnerAnnouncesAgain_SoThatClientsComeBack()
    {
        await using var rig = await StartedAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();

        // The others see the owner die first; the owner has not noticed yet, so nothing through the API server says it
        // lives: one of them takes the address over and writes its status (and withdraws as soon as the owner, seeing
        // that claim, renews its own). The owner, seeing the claim for an address it still announces and its
        // membership unchanged, announces again at once: nothing else makes it announce again here.
        foreach (var node in others)
        {
            rig.Speakers[node].Membership.Set(others);
        }

        await Eventually.TrueAsync(() => rig.Speakers[owner].Sink.Reannounced > 0, "the owner announces again over the competing claim");
        rig.Speakers[owner].Membership.Set(owner);
        await Eventually.TrueAsync(() => rig.Announcers(Ip).SequenceEqual([owner]), "converged on the owner");
        Assert.All(others, n => Assert.Equal(0, rig.Speakers[n].Sink.Reannounced));
    }

    [Fact]
    public async Task WhenTheIsolatedAnnouncerDiesToo_ItsAddressIsTakenOver()
    {
        await using var rig = await StartedAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();
        Split(rig, owner, others);
        await Eventually.TrueAsync(() => rig.Announcers(Ip).SequenceEqual([owner]) && others.All(n => rig.Speakers[n].Controller.CountedThroughApi > 0), "converged on the owner");

        // The owner's node is cut from the API server as well: it renews nothing any more (and answers nothing).
        await rig.Speakers[owner].DisposeAsync();
        rig.Speakers.Remove(owner);
        await Eventually.TrueAsync(
            () => rig.Announcers(Ip).Count == 1 && others.All(n => rig.Speakers[n].Controller.CountedThroughApi == 0),
            "a successor announces once the owner's evidence runs out, and nobody counts the owner any more");
    }

    [Fact]
    public async Task WithoutTheTieBreak_BothSidesAnswer_AsMetalLbDoes()
    {
        await using var rig = await StartedAsync(o => o.SplitBrainTieBreak = false);
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();
        Split(rig, owner, others);
        await Eventually.TrueAsync(() => rig.Announcers(Ip).Count == 2, "both sides answer");
        Assert.Contains(owner, rig.Announcers(Ip));
    }

    [Fact]
    public async Task PlannedHandOver_KeepsAnswering_UntilTheSuccessorHasAnnounced()
    {
        await using var rig = await StartedAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != owner).ToArray();
        var leaving = rig.Speakers[owner];
        var calls = leaving.Sink.Calls;
        var handOver = leaving.Controller.HandOverAsync(Ct);
        Assert.False(handOver.IsCompleted);

        // It leaves the membership: the others elect a successor, which announces and writes its status.
        foreach (var node in others)
        {
            rig.Speakers[node].Membership.Set(others);
        }

        leaving.Membership.Set();
        await handOver.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var successor = rig.Announcers(Ip).Single(n => n != owner);
        Assert.Contains(successor, others);
        Assert.Equal(calls, leaving.Sink.Calls); // never told to stop while handing over
        Assert.True(leaving.Sink.Announces(Ip));
    }

    private static async Task<SpeakerRig> StartedAsync(Action<Layer2SpeakerOptions>? configure = null)
    {
        var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync(configure);
        await Eventually.TrueAsync(async () => (await rig.StatusesAsync()).Count == 1, "the owner's status is written");
        return rig;
    }

    private static void Split(SpeakerRig rig, string owner, string[] others)
    {
        rig.Speakers[owner].Membership.Set(owner);
        foreach (var node in others)
        {
            rig.Speakers[node].Membership.Set(others);
        }
    }

    private static async Task<string?> RenewalsAsync(SpeakerRig rig, string node) =>
        (await rig.StatusesAsync()).SingleOrDefault(s => s.Status?.Node == node)?.Metadata.Annotations is { } annotations && annotations.TryGetValue("barelb.io/renewed", out var stamp) ? stamp : null;
}
