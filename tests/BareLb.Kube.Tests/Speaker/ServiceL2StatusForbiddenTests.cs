using BareLb.Kube.Testing;
using k8s;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// The drop-in swap into a MetalLB v0.13 installation: the speaker runs as MetalLB's <c>speaker</c> ServiceAccount with
/// exactly the Role and ClusterRole of MetalLB v0.13.12's manifests (no ServiceL2Status, no <c>get</c> on Pods, nothing in
/// kube-system), enforced by the emulator. It still announces; each refusal is logged once, not at every write.
/// </summary>
public sealed class ServiceL2StatusForbiddenTests
{
    private const string Ip = "198.18.0.10";

    // MetalLB v0.13.12's speaker Role (pod-lister) and ClusterRole, without the PodSecurityPolicy rule.
    private const string MetalLb013SpeakerRbac = """
        {"apiVersion":"v1","kind":"List","items":[
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"pod-lister","namespace":"metallb-system"},"rules":[
            {"apiGroups":[""],"resources":["pods"],"verbs":["list"]},
            {"apiGroups":[""],"resources":["secrets"],"verbs":["get","list","watch"]},
            {"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch"]},
            {"apiGroups":["metallb.io"],"resources":["bfdprofiles","bgppeers","l2advertisements","bgpadvertisements","ipaddresspools","communities"],"verbs":["get","list","watch"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"metallb-system:speaker"},"rules":[
            {"apiGroups":[""],"resources":["services","endpoints","nodes","namespaces"],"verbs":["get","list","watch"]},
            {"apiGroups":["discovery.k8s.io"],"resources":["endpointslices"],"verbs":["get","list","watch"]},
            {"apiGroups":[""],"resources":["events"],"verbs":["create","patch"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"pod-lister","namespace":"metallb-system"},
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pod-lister"},
           "subjects":[{"kind":"ServiceAccount","name":"speaker","namespace":"metallb-system"}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"metallb-system:speaker"},
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"metallb-system:speaker"},
           "subjects":[{"kind":"ServiceAccount","name":"speaker","namespace":"metallb-system"}]}]}
        """;

    [Fact]
    public async Task WithMetalLb013SpeakerRbac_TheSpeakerAnnounces_AndLogsEachRefusalOnce()
    {
        await using var rig = await SpeakerRig.CreateAsync("n1");
        rig.Server.Seed(MetalLb013SpeakerRbac);
        using var asSpeaker = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(rig.Server.CreateServiceAccountKubeconfig(SpeakerRig.System, "speaker")));
        var logs = new ListLoggerFactory();
        await rig.ConfigureAsync();
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");

        var speaker = await rig.StartSpeakerAsync("n1", client: asSpeaker, loggerFactory: logs);
        await speaker.Sink.WaitAsync(_ => speaker.Sink.Announces(Ip));
        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.EventId == 455), "the refused ServiceL2Status write is logged");

        // Several write rounds later (renewal every 200 ms): still announcing, no status written, each refusal logged once.
        var rounds = speaker.Sink.Calls;
        await rig.CreateServiceAsync("dns", ["198.18.0.11"]);
        await rig.ReadyEndpointAsync("dns");
        await speaker.Sink.WaitAsync(s => s.Count == 2);
        Assert.True(speaker.Sink.Calls > rounds);
        Assert.True(speaker.Sink.Announces(Ip));
        Assert.Empty(await rig.StatusesAsync());
        Assert.Single(logs.Entries, e => e.EventId == 455);
        Assert.Single(logs.Entries, e => e.EventId == 106 && e.Text.Contains("servicel2statuses", StringComparison.Ordinal));
        Assert.Single(logs.Entries, e => e.EventId == 106 && e.Text.Contains("kube-proxy", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 453);
    }
}
