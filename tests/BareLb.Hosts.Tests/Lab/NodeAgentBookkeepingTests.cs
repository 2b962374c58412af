using System.Net;
using BareLb.Tool.Lab.Cluster;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Hosts.Tests.Lab;

/// <summary>
/// The lab's node agent without a lab: which Pods it schedules for BareLb's own DaemonSet and Deployment (read from
/// deploy/barelb.yaml), how it names them, what it removes, how it resolves a container's arguments and environment
/// as the kubelet would (downward API, volume paths), and the EndpointSlices it publishes for the guide's dashboards.
/// </summary>
public sealed class NodeAgentBookkeepingTests
{
    private static readonly IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Labels)> Nodes =
        [.. new[] { "n1", "n2", "n3" }.Select(static n => (n, NodeAgent.NodeLabels(n)))];

    [Fact]
    public void TheManifestsDaemonSet_GetsOneSpeakerPerNode_AndTheDeployment_ItsReplicasSpreadOverTheNodes()
    {
        var workloads = Manifest();
        var plan = PodPlanner.Plan(workloads, Nodes, [], new Random(1));

        Assert.Empty(plan.Remove);
        var speakers = plan.Create.Where(static c => c.Owner.Name == "speaker").Select(static c => c.Pod).ToList();
        Assert.Equal(["n1", "n2", "n3"], speakers.Select(static p => p.Node));
        Assert.All(speakers, static p => Assert.Matches("^speaker-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.Name));
        var controllers = plan.Create.Where(static c => c.Owner.Name == "controller").Select(static c => c.Pod).ToList();
        Assert.Equal(["n1", "n2"], controllers.Select(static p => p.Node));
        Assert.All(controllers, static p => Assert.Matches("^controller-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$", p.Name));
        // One template, one hash: both replicas share the middle part, as a ReplicaSet's Pods do.
        Assert.Single(controllers.Select(static p => p.Name.Split('-')[1]).Distinct());
        Assert.All(plan.Create, static c => Assert.Equal("metallb-system", c.Pod.Namespace));
    }

    [Fact]
    public void AStableSet_ChangesNothing_AndAPodThatIsGone_IsReplacedOnItsNodeOnly()
    {
        var workloads = Manifest();
        var first = PodPlanner.Plan(workloads, Nodes, [], new Random(2));
        var running = first.Create.Select(static c => c.Pod).ToList();

        var again = PodPlanner.Plan(workloads, Nodes, running, new Random(3));
        Assert.Empty(again.Create);
        Assert.Empty(again.Remove);

        var deleted = running.First(static p => p.OwnerKey.StartsWith("DaemonSet/", StringComparison.Ordinal) && p.Node == "n2");
        var replaced = PodPlanner.Plan(workloads, Nodes, [.. running.Where(p => p != deleted)], new Random(4));
        var created = Assert.Single(replaced.Create).Pod;
        Assert.Equal(("n2", deleted.OwnerKey), (created.Node, created.OwnerKey));
        Assert.NotEqual(deleted.Name, created.Name);
        Assert.Empty(replaced.Remove);
    }

    [Fact]
    public void PodsOfADeletedWorkload_SurplusReplicas_AndNodesTheSelectorNoLongerAdmits_AreRemoved()
    {
        var workloads = Manifest();
        var running = PodPlanner.Plan(workloads, Nodes, [], new Random(5)).Create.Select(static c => c.Pod).ToList();
        var controller = workloads.Single(static w => w.Name == "controller");
        var speaker = workloads.Single(static w => w.Name == "speaker");

        var oneReplica = PodPlanner.Plan([speaker, controller with { Replicas = 1 }], Nodes, running, new Random(6));
        Assert.Equal(["controller"], oneReplica.Remove.Select(static p => p.OwnerKey.Split('/')[2]));
        Assert.Empty(oneReplica.Create);

        var noController = PodPlanner.Plan([speaker], Nodes, running, new Random(7));
        Assert.Equal(2, noController.Remove.Count(static p => p.OwnerKey == "Deployment/metallb-system/controller"));

        var windowsOnly = speaker with { Template = Clone(speaker.Template) };
        windowsOnly.Template.Spec.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "windows" };
        var stranded = PodPlanner.Plan([windowsOnly, controller], Nodes, running, new Random(8));
        Assert.Equal(3, stranded.Remove.Count(static p => p.OwnerKey == "DaemonSet/metallb-system/speaker"));
        Assert.Empty(stranded.Create);
    }

    [Fact]
    public void TheSpeakersLaunch_ResolvesTheDownwardApi_AndMapsTheSecretVolumesPath()
    {
        var speaker = Manifest().Single(static w => w.Name == "speaker");
        var spec = speaker.Template.Spec;
        var facts = new PodFacts("speaker-x7k2p", "metallb-system", "uid-1", "n2", "198.18.35.12", "198.18.35.12", "speaker");
        var volumes = spec.Volumes.ToDictionary(static v => v.Name, static v => "/tmp/lab/pods/speaker-x7k2p/volumes/" + v.Name);

        var launch = ContainerLaunch.Resolve(spec, spec.Containers[0], facts, volumes, static (_, _, _) => null, "/tmp/lab/kubeconfig-metallb-system-speaker");

        Assert.Equal("barelb-speaker.dll", launch.Program);
        Assert.Equal(["--port=7472", "--log-level=info", "--kubeconfig", "/tmp/lab/kubeconfig-metallb-system-speaker"], launch.Arguments);
        Assert.Equal("n2", launch.Environment["METALLB_NODE_NAME"]);
        Assert.Equal("speaker-x7k2p", launch.Environment["METALLB_POD_NAME"]);
        Assert.Equal("198.18.35.12", launch.Environment["METALLB_HOST"]);
        Assert.Equal("198.18.35.12", launch.Environment["METALLB_ML_BIND_ADDR"]);
        Assert.Equal("app=metallb,component=speaker", launch.Environment["METALLB_ML_LABELS"]);
        Assert.Equal("/tmp/lab/pods/speaker-x7k2p/volumes/memberlist", launch.Environment["METALLB_ML_SECRET_KEY_PATH"]);
    }

    [Fact]
    public void ALaunchThatCannotResolve_NamesTheFieldAndTheReason()
    {
        var spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "speaker",
                    Image = "quay.io/metallb/speaker:v0.14.9",
                    Env = [new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels['app']" } } }],
                },
            ],
        };
        var facts = new PodFacts("p", "ns", "u", "n1", "198.18.35.11", "198.18.35.11", "default");

        var unknownField = Assert.Throws<PodLaunchException>(() => ContainerLaunch.Resolve(spec, spec.Containers[0], facts, new Dictionary<string, string>(), static (_, _, _) => null, "k"));
        Assert.Equal("containers[speaker].env[X].valueFrom.fieldRef", unknownField.Field);
        Assert.Contains("metadata.labels['app']", unknownField.Reason, StringComparison.Ordinal);

        spec.Containers[0].Env = null;
        spec.Containers[0].Image = "nginx:1.27";
        var image = Assert.Throws<PodLaunchException>(() => ContainerLaunch.Resolve(spec, spec.Containers[0], facts, new Dictionary<string, string>(), static (_, _, _) => null, "k"));
        Assert.Equal("containers[speaker].image", image.Field);
        Assert.Equal("barelb-speaker.dll", ContainerLaunch.ProgramFor("quay.io/metallb/speaker:v0.14.9"));
        Assert.Equal("barelb-controller.dll", ContainerLaunch.ProgramFor("barelb/controller@sha256:0123"));
    }

    [Fact]
    public void EachDashboard_HasTheGuidesService_AndAReadyServingEndpointOnItsNode()
    {
        Assert.Equal(["istio-ingressgateway", "minio-service", "mlflow-server-service", "seldon-core-analytics-grafana"], GuideDashboard.All.Select(static d => d.Name));
        foreach (var dashboard in GuideDashboard.All)
        {
            var service = dashboard.Service();
            var slice = dashboard.EndpointSlice("n2", IPAddress.Parse("198.18.35.12"));

            Assert.Equal(("ClusterIP", dashboard.ClusterIP), (service.Spec.Type, service.Spec.ClusterIP));
            Assert.Equal(dashboard.Name, slice.Metadata.Labels["kubernetes.io/service-name"]);
            Assert.Equal(dashboard.Namespace, slice.Metadata.NamespaceProperty);
            var endpoint = Assert.Single(slice.Endpoints);
            Assert.Equal(("198.18.35.12", "n2", true, true), (string.Join(",", endpoint.Addresses), endpoint.NodeName, endpoint.Conditions.Ready, endpoint.Conditions.Serving));
            Assert.Equal(service.Spec.Ports.Select(static p => p.TargetPort.Value), slice.Ports.Select(static p => p.Port.ToString()));
        }

        Assert.Equal((80, 9000, 5000, 80), (GuideDashboard.All[0].BrowserPort, GuideDashboard.All[1].BrowserPort, GuideDashboard.All[2].BrowserPort, GuideDashboard.All[3].BrowserPort));
    }

    private static List<Workload> Manifest()
    {
        var objects = KubeYaml.ReadAll(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "barelb.yaml")));
        List<V1DaemonSet> daemonSets = [.. objects.Where(o => (string?)o["kind"] == "DaemonSet").Select(KubeJson.Deserialize<V1DaemonSet>)];
        List<V1Deployment> deployments = [.. objects.Where(o => (string?)o["kind"] == "Deployment").Select(KubeJson.Deserialize<V1Deployment>)];
        return [.. Workload.From(new V1DaemonSetList { Items = daemonSets }, new V1DeploymentList { Items = deployments })];
    }

    private static V1PodTemplateSpec Clone(V1PodTemplateSpec template) => KubeJson.Copy(template);
}
