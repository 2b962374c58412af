using System.Diagnostics.Metrics;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Speaker;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// The speaker over time: shared addresses counted, withdrawal when a Service stops being a LoadBalancer, take-over
/// when the membership loses the announcer, ServiceL2Status objects, the nodeAssigned event, metrics series.
/// </summary>
public sealed class SpeakerLifecycleTests
{
    private const string Ip = "198.18.0.10";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASharedAddress_StaysUntilNoServiceNeedsIt()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        var shared = new Dictionary<string, string> { ["metallb.io/allow-shared-ip"] = "team" };
        await rig.CreateServiceAsync("web", [Ip], annotations: shared);
        await rig.CreateServiceAsync("dns", [Ip], annotations: shared);
        await rig.ReadyEndpointAsync("web");
        await rig.ReadyEndpointAsync("dns");
        await rig.StartSpeakersAsync();
        var owner = rig.Speakers[Assert.Single(rig.Announcers(Ip))];
        Assert.Equal(["apps/dns", "apps/web"], owner.Sink.For(Ip)!.Services.Order(StringComparer.Ordinal));

        await rig.Client.CoreV1.DeleteNamespacedServiceAsync("web", SpeakerRig.Apps, cancellationToken: Ct);
        await owner.Sink.WaitAsync(s => s.SingleOrDefault()?.Services.SetEquals(["apps/dns"]) == true);

        await rig.Client.CoreV1.DeleteNamespacedServiceAsync("dns", SpeakerRig.Apps, cancellationToken: Ct);
        await owner.Sink.WaitAsync(s => s.Count == 0);
        Assert.Empty(rig.Announcers(Ip));
    }

    [Fact]
    public async Task ServiceChangedToClusterIP_IsWithdrawn_AndItsStatusDeleted()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        var owner = rig.Speakers[Assert.Single(rig.Announcers(Ip))];
        await Eventually.TrueAsync(async () => (await rig.StatusesAsync()).Count == 1, "the announcer wrote its ServiceL2Status");

        await rig.PatchServiceAsync("web", new { spec = new { type = "ClusterIP", externalTrafficPolicy = (string?)null } });
        await owner.Sink.WaitAsync(s => s.Count == 0);
        Assert.Empty(rig.Announcers(Ip));
        await Eventually.TrueAsync(async () => (await rig.StatusesAsync()).Count == 0, "the ServiceL2Status is deleted");
    }

    [Fact]
    public async Task EndpointsGoingAway_Withdraw_AndComingBack_Announce()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip], local: true);
        await rig.ReadyEndpointAsync("web", "n2");
        await rig.StartSpeakersAsync();
        Assert.Equal(["n2"], rig.Announcers(Ip));

        await rig.ReadyEndpointAsync("web", "n3");
        await rig.Client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync("web-ready-n2", SpeakerRig.Apps, cancellationToken: Ct);
        await rig.Speakers["n3"].Sink.WaitAsync(s => s.Count == 1);
        await rig.Speakers["n2"].Sink.WaitAsync(s => s.Count == 0);
        Assert.Equal(["n3"], rig.Announcers(Ip));
    }

    [Fact]
    public async Task WhenTheMembershipLosesTheAnnouncer_ExactlyOneOtherNodeTakesOver()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        var first = Assert.Single(rig.Announcers(Ip));
        var others = rig.Nodes.Where(n => n != first).ToArray();

        // The announcer's node crashes: its speaker is gone, the membership of the others drops it.
        await rig.Speakers[first].DisposeAsync();
        rig.Speakers.Remove(first);
        foreach (var node in others)
        {
            rig.Speakers[node].Membership.Set(others);
        }

        await Eventually.TrueAsync(
            () => rig.Announcers(Ip) is [var successor] && others.All(n => rig.Speakers[n].Controller.Verdicts["apps/web"].Elected == successor),
            "one successor announces, the one every remaining node elects");
    }

    [Fact]
    public async Task TheAnnouncer_WritesItsServiceL2Status_AsMetalLbDoes_AndRecordsNodeAssigned()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync(advertisementSpec: """ "interfaces":["eth1"]""");
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        var owner = Assert.Single(rig.Announcers(Ip));
        await Eventually.TrueAsync(async () => (await rig.StatusesAsync()) is [{ Status.Node: not null }], "the status is written");
        var status = Assert.Single(await rig.StatusesAsync());
        Assert.StartsWith("l2-", status.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(SpeakerRig.System, status.Metadata.NamespaceProperty);
        Assert.Equal(owner, status.Metadata.Labels["metallb.io/node"]);
        Assert.Equal("web", status.Metadata.Labels["metallb.io/service-name"]);
        Assert.Equal("apps", status.Metadata.Labels["metallb.io/service-namespace"]);
        var reference = Assert.Single(status.Metadata.OwnerReferences);
        var pod = await rig.Client.CoreV1.ReadNamespacedPodAsync("speaker-" + owner, SpeakerRig.System, cancellationToken: Ct);
        Assert.Equal(("v1", "Pod", pod.Metadata.Name, pod.Metadata.Uid), (reference.ApiVersion, reference.Kind, reference.Name, reference.Uid));
        Assert.Equal((owner, "web", "apps"), (status.Status!.Node, status.Status.ServiceName, status.Status.ServiceNamespace));
        Assert.Equal(["eth1"], status.Status.Interfaces!.Select(i => i.Name));

        await Eventually.TrueAsync(async () => (await rig.EventsAsync("apps", "nodeAssigned")).Count > 0, "nodeAssigned is recorded");
        var assigned = Assert.Single(await rig.EventsAsync("apps", "nodeAssigned"));
        Assert.Equal(("Normal", $"announcing from node \"{owner}\" with protocol \"layer2\"", "Service", "web"), (assigned.Type, assigned.Message, assigned.InvolvedObject.Kind, assigned.InvolvedObject.Name));
    }

    [Fact]
    public async Task AnElectedNodeWithoutTheAdvertisementsInterfaces_AnnouncesNothing_AndRecordsAnnounceFailed_AsMetalLbDoes()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync(advertisementSpec: """ "interfaces":["eth9","bond7"]""");
        await rig.CreateServiceAsync("web", [Ip, "2001:db8::10"]);
        await rig.ReadyEndpointAsync("web");
        var speaker = await rig.StartSpeakerAsync("n1", interfaces: new HashSet<string>(StringComparer.Ordinal) { "lo", "eth0" });

        await Eventually.TrueAsync(async () => (await rig.EventsAsync("apps", "announceFailed")).Count == 2, "announceFailed is recorded for each address");
        var failed = await rig.EventsAsync("apps", "announceFailed");
        Assert.All(failed, e => Assert.Equal(("Warning", "Service", "web"), (e.Type, e.InvolvedObject.Kind, e.InvolvedObject.Name)));
        Assert.Equal(
            [$"the interfaces specified by LB IP \"{Ip}\" doesn't exist in assigned node \"n1\" with protocol \"layer2\"", $"the interfaces specified by LB IP \"2001:db8::10\" doesn't exist in assigned node \"n1\" with protocol \"layer2\""],
            failed.Select(e => e.Message).Order(StringComparer.Ordinal));
        Assert.Empty(speaker.Sink.Current);
        var verdict = speaker.Controller.Verdicts["apps/web"];
        Assert.Equal((BareLb.Core.Election.Layer2Reason.InterfacesMissing, "n1"), (verdict.Reason, verdict.Elected));
        Assert.Contains("bond7, eth9", verdict.Detail, StringComparison.Ordinal);
        Assert.Empty(await rig.EventsAsync("apps", "nodeAssigned"));
        Assert.Empty(await rig.StatusesAsync());
    }

    [Fact]
    public async Task AnElectedNodeWithOneOfTheAdvertisementsInterfaces_Announces()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync(advertisementSpec: """ "interfaces":["eth9","eth0"]""");
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        var speaker = await rig.StartSpeakerAsync("n1", interfaces: new HashSet<string>(StringComparer.Ordinal) { "lo", "eth0" });

        await speaker.Sink.WaitAsync(s => s.Count == 1);
        Assert.Empty(await rig.EventsAsync("apps", "announceFailed"));
    }

    [Fact]
    public async Task OnEveryInterface_TheStatusListsNoInterface()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        await Eventually.TrueAsync(async () => (await rig.StatusesAsync()) is [{ Status.Node: "n1" }], "the status is written");
        Assert.Null(Assert.Single(await rig.StatusesAsync()).Status!.Interfaces);
    }

    [Fact]
    public async Task AnnouncedGauge_HasASeriesPerServiceAndAddress_RemovedWhenWithdrawn()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip, "2001:db8::10"]);
        await rig.ReadyEndpointAsync("web");
        var speaker = await rig.StartSpeakerAsync("n1");
        Assert.Equal(
            ["apps/web|layer2|n1|198.18.0.10", "apps/web|layer2|n1|2001:db8::10"],
            Series(speaker.Meters, SpeakerMetrics.AnnouncedName));

        await rig.SetIngressAsync("web", []);
        await speaker.Sink.WaitAsync(s => s.Count == 0);
        Assert.Empty(Series(speaker.Meters, SpeakerMetrics.AnnouncedName));
    }

    [Fact]
    public async Task ConfigurationGauges_AreMetalLbs_LoadedOnceValid_AndStaleWhileTheLatestIsRefused()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync();
        var speaker = await rig.StartSpeakerAsync("n1");
        await Eventually.TrueAsync(() => Series(speaker.Meters, SpeakerMetrics.ConfigLoadedName).SequenceEqual(["1"]), "loaded shows 1");
        Assert.Equal(["0"], Series(speaker.Meters, SpeakerMetrics.ConfigStaleName));

        // A second pool overlapping the first: the configuration is refused, the last valid one stays in force.
        await rig.CreateCustomAsync(IPAddressPool.Plural, $$$"""{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"overlap","namespace":"{{{SpeakerRig.System}}}"},"spec":{"addresses":["198.18.0.0/25"]}}""");
        await Eventually.TrueAsync(() => Series(speaker.Meters, SpeakerMetrics.ConfigStaleName).SequenceEqual(["1"]), "stale shows 1");
        Assert.Equal(["1"], Series(speaker.Meters, SpeakerMetrics.ConfigLoadedName));
    }

    /// <summary>The series an observable gauge of the factory's meters reports now, as "service|protocol|node|ip" (value 1).</summary>
    internal static List<string> Series(IMeterFactory meters, string name)
    {
        var series = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(k => k.Key, k => k.Value?.ToString());
            series.Add(t.Count == 0 ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{t["service"]}|{t["protocol"]}|{t["node"]}|{t["ip"]}");
        });
        listener.Start();
        listener.RecordObservableInstruments();
        series.Sort(StringComparer.Ordinal);
        return series;
    }

    [Fact]
    public async Task StrictArpMissing_InIpvsMode_GivesAWarningEventWithTheGuidesFix_AndAMetric()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync();
        rig.Server.Seed("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kube-proxy","namespace":"kube-system"},"data":{"config.conf":"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: \"ipvs\"\nipvs:\n  strictARP: false\n"}}""");
        var speaker = await rig.StartSpeakerAsync("n1");
        await Eventually.TrueAsync(async () => (await rig.EventsAsync("kube-system", "StrictARPDisabled")).Count > 0, "the warning is recorded");
        var warning = Assert.Single(await rig.EventsAsync("kube-system", "StrictARPDisabled"));
        Assert.Equal(("Warning", "ConfigMap", "kube-proxy"), (warning.Type, warning.InvolvedObject.Kind, warning.InvolvedObject.Name));
        Assert.Contains(KubeProxyStrictArp.GuideFix, warning.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Series(speaker.Meters, SpeakerMetrics.StrictArpName).SequenceEqual(["1"]), "the metric shows 1");

        await rig.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"config.conf":"kind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  strictARP: true\n"}}""", V1Patch.PatchType.MergePatch), "kube-proxy", "kube-system", cancellationToken: Ct);
        await Eventually.TrueAsync(() => Series(speaker.Meters, SpeakerMetrics.StrictArpName).SequenceEqual(["0"]), "the metric goes back to 0");
        Assert.Single(await rig.EventsAsync("kube-system", "StrictARPDisabled"));
    }

    [Theory]
    [InlineData("mode: iptables\n", false)]
    [InlineData("mode: ipvs\nipvs:\n  strictARP: true\n", false)]
    [InlineData("mode: IPVS\nipvs:\n  strictARP: false\n", true)]
    [InlineData("mode: ipvs\n", true)]
    [InlineData("mode: [ipvs\n", false)]
    [InlineData("", false)]
    public void StrictArpCheck_ReadsKubeProxysConfiguration(string config, bool problem)
    {
        var configMap = new V1ConfigMap { Metadata = new() { Name = "kube-proxy", NamespaceProperty = "kube-system" }, Data = new Dictionary<string, string> { ["config.conf"] = config } };
        Assert.Equal(problem, KubeProxyStrictArp.Problem(configMap) is not null);
    }

    [Fact]
    public async Task LeftoverStatuses_OursIsAdoptedByThisPod_AStaleOneOfAnotherNodeIsDeleted()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        foreach (var (name, node) in new[] { ("l2-mine", "n1"), ("l2-theirs", "gone") })
        {
            await rig.CreateCustomAsync(ServiceL2Status.Plural, $$$"""
                {"apiVersion":"metallb.io/v1beta1","kind":"ServiceL2Status","metadata":{"name":"{{{name}}}","namespace":"metallb-system",
                 "labels":{"metallb.io/node":"{{{node}}}","metallb.io/service-name":"web","metallb.io/service-namespace":"apps"},
                 "ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"speaker-old","uid":"0000"}]}}
                """);
        }

        await rig.StartSpeakerAsync("n1");
        var pod = await rig.Client.CoreV1.ReadNamespacedPodAsync("speaker-n1", SpeakerRig.System, cancellationToken: Ct);
        await Eventually.TrueAsync(
            async () => await rig.StatusesAsync() is [{ Metadata.Name: "l2-mine", Status.Node: "n1" } only] && only.Metadata.OwnerReferences.Single().Uid == pod.Metadata.Uid,
            "our leftover is kept, owned by this Pod and filled in; the other node's stale one is gone");
    }

    [Fact]
    public void AddBareLbSpeaker_RegistersTheControllerAndChecksTheOptions()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddBareLbSpeaker(o => o.NodeName = "");
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<Layer2SpeakerOptions>>(provider).Value);
        Assert.Contains("NodeName", error.Message, StringComparison.Ordinal);
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService));
    }

    [Fact]
    public void Options_AreCheckedWithEveryProblemNamed()
    {
        var problems = new Layer2SpeakerOptions { NodeName = "", Namespace = "Not_A_Namespace", LoadBalancerClass = "", StatusRenewInterval = TimeSpan.Zero, WriteStatus = false }.Validate();
        Assert.Contains(problems, p => p.StartsWith("NodeName", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Namespace 'Not_A_Namespace'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LoadBalancerClass", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("StatusRenewInterval", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("SplitBrainTieBreak", StringComparison.Ordinal));
        Assert.Empty(new Layer2SpeakerOptions { NodeName = "n1" }.Validate());
    }
}
