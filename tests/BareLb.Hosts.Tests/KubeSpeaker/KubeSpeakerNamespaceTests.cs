using BareLb.Lab.Capture;
using BareLb.Lab.Kube;
using BareLb.Lab.Probing;
using BareLb.Lab.Processes;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>
/// Three nodes, each running <c>barelb-speaker</c> as a process as MetalLB's DaemonSet runs it, against the API
/// emulator in a namespace of its own; a client that probes and captures ARP and NDP answers. Needs root.
/// </summary>
public sealed class KubeSpeakerNamespaceTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheOwnerAnswers_AndNoOneElse_ForIPv4AndIPv6()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        cluster.AddService("web6", KubeSpeakerLab.V6);

        var first4 = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct);
        var first6 = await capture.WaitForAnswerAsync(KubeSpeakerLab.V6, since, null, Settle, ct);
        Assert.True(first4 is not null && first6 is not null, cluster.Logs());
        var (owner, mac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);
        var steady = DateTimeOffset.UtcNow;
        using (var probe = Prober.Start(client, KubeSpeakerLab.V4))
        {
            await probe.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), ct);
        }

        Assert.True(client.TryExec("ndisc6", "-r", "3", KubeSpeakerLab.V6.ToString(), "eth0").ExitCode == 0, cluster.Logs());
        // The capture reads tcpdump's output behind the packets: wait until it has seen the answer ndisc6 got.
        Assert.NotNull(await capture.WaitForAnswerAsync(KubeSpeakerLab.V6, steady, null, TimeSpan.FromSeconds(5), ct));
        Assert.Equal([mac], capture.AnswerersOf(KubeSpeakerLab.V4, steady));
        Assert.Single(capture.AnswerersOf(KubeSpeakerLab.V6, steady));
        Assert.InRange(owner, 0, 2);
    }

    [Fact]
    public async Task ANodeCrash_SpeakerKilledAndLinkDown_IsTakenOverWithinASecond()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        var first = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct);
        Assert.True(first is not null, cluster.Logs());
        (var owner, var ownerMac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);

        var failure = DateTimeOffset.UtcNow;
        cluster.Speakers[owner]!.Kill();
        cluster.Lab.Nodes[owner].SetLink(up: false);
        var next = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, Cut(), null, TimeSpan.FromSeconds(5), ct);

        Assert.True(next is not null, cluster.Logs());
        Assert.NotEqual(ownerMac, next.Mac);
        Assert.True(next.Time - failure < TimeSpan.FromSeconds(1), $"taken over after {(next.Time - failure).TotalMilliseconds:0} ms\n{cluster.Logs()}");
    }

    [Fact]
    public async Task ALinkDownAlone_IsTakenOverWithinASecond_AndOneNodeAnswersWhenTheLinkReturns()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        Assert.True(await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct) is not null, cluster.Logs());
        (var owner, var ownerMac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);

        // The speaker keeps running; only its node's link goes down (cut from the others and from the API server).
        var failure = DateTimeOffset.UtcNow;
        cluster.Lab.Nodes[owner].SetLink(up: false);
        var next = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, Cut(), null, TimeSpan.FromSeconds(5), ct);
        Assert.True(next is not null && next.Mac != ownerMac, cluster.Logs());
        Assert.True(next.Time - failure < TimeSpan.FromSeconds(1), $"taken over after {(next.Time - failure).TotalMilliseconds:0} ms\n{cluster.Logs()}");

        // The link returns: the cut-off speaker rejoins, and after the hand-back one node answers, whichever it is.
        cluster.Lab.Nodes[owner].SetLink(up: true);
        await cluster.WaitForSteadyMembershipAsync(ct);
        var (_, mac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);
        var steady = DateTimeOffset.UtcNow;
        using (var probe = Prober.Start(client, KubeSpeakerLab.V4))
        {
            await probe.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), ct);
        }

        client.TryExec("arping", "-c", "2", "-w", "2", "-I", "eth0", KubeSpeakerLab.V4.ToString());
        Assert.NotNull(await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, steady, null, TimeSpan.FromSeconds(5), ct));
        Assert.Equal([mac], capture.AnswerersOf(KubeSpeakerLab.V4, steady));
    }

    [Fact]
    public async Task ASpeakerKilledOnALiveNode_IsTakenOver_WithNoAddressAnsweredTwice()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        var first = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct);
        Assert.True(first is not null, cluster.Logs());
        (var owner, var ownerMac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);

        var failure = DateTimeOffset.UtcNow;
        cluster.Speakers[owner]!.Kill();
        var next = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, Cut(), null, TimeSpan.FromSeconds(5), ct);
        Assert.True(next is not null && next.Mac != ownerMac, cluster.Logs());
        using (var probe = Prober.Start(client, KubeSpeakerLab.V4))
        {
            await probe.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), ct);
        }

        // After the take-over, one answerer only: the dead speaker's node does not answer (its kernel ignores kube-ipvs0).
        var after = next.Time.AddMilliseconds(1);
        Assert.All(capture.AnswerersOf(KubeSpeakerLab.V4, after), mac => Assert.Equal(next.Mac, mac));
    }

    [Fact]
    public async Task APlannedHandOver_LosesNoProbe()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        var first = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct);
        Assert.True(first is not null, cluster.Logs());
        (var owner, var ownerMac) = await cluster.OwnerAsync(capture, KubeSpeakerLab.V4, ct);
        using var probe = Prober.Start(client, KubeSpeakerLab.V4);
        await probe.WaitForRepliesAsync(30, TimeSpan.FromSeconds(5), ct);

        var stop = DateTimeOffset.UtcNow;
        var code = cluster.Speakers[owner]!.Stop(TimeSpan.FromSeconds(8));
        var next = await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, stop, null, TimeSpan.FromSeconds(5), ct);
        Assert.True(next is not null && next.Mac != ownerMac, cluster.Logs());
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct); // probes sent after the stop get their chance to be answered
        var report = probe.Report(stop, DateTimeOffset.UtcNow);

        Assert.True(code == 0, $"exit code {code}\n{cluster.Speakers[owner]!.Tail()}");
        Assert.True(report.Lost == 0, $"{report.Lost} probe(s) lost, longest gap {report.LongestGap.TotalMilliseconds:0} ms\n{report.Timeline}\n{cluster.Logs()}");
    }

    [Fact]
    public async Task AServiceSwitchedToClusterIP_IsNoLongerAnswered_AndTheSpeakersProbeFastOnlyWhileItHadAnAddress()
    {
        var ct = SkipUnlessRoot();
        using var cluster = await KubeSpeakerLab.StartAsync(ct);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);

        // With no address in the cluster the speakers probe at the relaxed pace, and at the fast one once there is.
        // (Every other test here starts the same way, so their takeovers within a second start from the relaxed pace.)
        await WaitForPaceAsync(cluster, "Relaxed", DateTimeOffset.MinValue, ct);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("web", KubeSpeakerLab.V4);
        Assert.True(await capture.WaitForAnswerAsync(KubeSpeakerLab.V4, since, null, Settle, ct) is not null, cluster.Logs());
        await WaitForPaceAsync(cluster, "Fast", since, ct);
        var switched = DateTimeOffset.UtcNow;

        cluster.Kubectl("patch", "service", "web", "-n", "default", "--type=merge", "-p", """{"spec":{"type":"ClusterIP"}}""");
        // The speakers see the change within moments; then ARP requests go unanswered.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        var answered = true;
        while (answered && DateTimeOffset.UtcNow < deadline)
        {
            answered = client.TryExec("arping", "-c", "1", "-w", "1", "-I", "eth0", KubeSpeakerLab.V4.ToString()).ExitCode == 0;
        }

        Assert.False(answered, cluster.Logs());
        var quiet = DateTimeOffset.UtcNow;
        client.TryExec("arping", "-c", "3", "-w", "1", "-I", "eth0", KubeSpeakerLab.V4.ToString());
        Assert.Empty(capture.AnswerersOf(KubeSpeakerLab.V4, quiet));
        await WaitForPaceAsync(cluster, "Relaxed", switched, ct);
    }

    private static Task WaitForPaceAsync(KubeSpeakerCluster cluster, string pace, DateTimeOffset since, CancellationToken ct) =>
        Task.WhenAll(cluster.Speakers.Select(s => s!.WaitForLineAsync(
            l => l.Time >= since && l.Text.Contains($"Probing at the {pace} pace", StringComparison.Ordinal), Settle, ct)));

    // The first answer to look at after a failure: from when the failure is in place, not from when it was started,
    // since the owner may still send (its announcement burst) while the link goes down or the kill lands. The time to
    // take over is still measured from the start of the failure.
    private static DateTimeOffset Cut() => DateTimeOffset.UtcNow;

    private static CancellationToken SkipUnlessRoot()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW); CI runs them as root.");
        return TestContext.Current.CancellationToken;
    }
}
