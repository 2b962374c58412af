using static BareLb.Kube.Testing.Protobuf.ProtoFieldKind;

namespace BareLb.Kube.Testing.Protobuf;

/// <summary>
/// The protobuf schemas of the built-in kinds kubectl's generator subcommands send (<c>kubectl create namespace,
/// configmap, secret, serviceaccount, service, deployment, role, clusterrole, rolebinding, clusterrolebinding,
/// poddisruptionbudget</c>), written from the field numbers of the Kubernetes API's <c>generated.proto</c> files.
/// Only the fields those commands can fill are listed (a Pod template holds the container basics); any other
/// field is reported by number rather than silently dropped.
/// </summary>
internal static class BuiltInSchemas
{
    private static readonly ProtoMessage OwnerReference = new(
        "OwnerReference",
        Str(1, "kind"), Str(3, "name"), Str(4, "uid"), Str(5, "apiVersion"), Flag(6, "controller", keep: true), Flag(7, "blockOwnerDeletion", keep: true));

    private static readonly ProtoMessage ObjectMeta = new(
        "ObjectMeta",
        Str(1, "name"), Str(2, "generateName"), Str(3, "namespace"), Str(4, "selfLink"), Str(5, "uid"), Str(6, "resourceVersion"),
        Int(7, "generation"), new(8, "creationTimestamp", ProtoFieldKind.Time), new(9, "deletionTimestamp", ProtoFieldKind.Time),
        Int(10, "deletionGracePeriodSeconds", keep: true), new(11, "labels", StringMap), new(12, "annotations", StringMap),
        Msg(13, "ownerReferences", () => OwnerReference, repeated: true), Strs(14, "finalizers"));

    private static readonly ProtoMessage LabelSelectorRequirement = new(
        "LabelSelectorRequirement", Str(1, "key"), Str(2, "operator"), Strs(3, "values"));

    private static readonly ProtoMessage LabelSelector = new(
        "LabelSelector", new(1, "matchLabels", StringMap), Msg(2, "matchExpressions", () => LabelSelectorRequirement, repeated: true));

    private static readonly ProtoMessage Empty = new("Empty");

    // core/v1
    private static readonly ProtoMessage NamespaceSpec = new("NamespaceSpec", Strs(1, "finalizers"));
    private static readonly ProtoMessage NamespaceStatus = new("NamespaceStatus", Str(1, "phase"));
    private static readonly ProtoMessage ObjectReference = new(
        "ObjectReference",
        Str(1, "kind"), Str(2, "namespace"), Str(3, "name"), Str(4, "uid"), Str(5, "apiVersion"), Str(6, "resourceVersion"), Str(7, "fieldPath"));

    private static readonly ProtoMessage LocalObjectReference = new("LocalObjectReference", Str(1, "name"));

    private static readonly ProtoMessage ServicePort = new(
        "ServicePort",
        Str(1, "name"), Str(2, "protocol"), Int(3, "port"), new(4, "targetPort", IntOrString), Int(5, "nodePort"), Str(6, "appProtocol"));

    private static readonly ProtoMessage ServiceSpec = new(
        "ServiceSpec",
        Msg(1, "ports", () => ServicePort, repeated: true), new(2, "selector", StringMap), Str(3, "clusterIP"), Str(4, "type"),
        Strs(5, "externalIPs"), Str(7, "sessionAffinity"), Str(8, "loadBalancerIP"), Strs(9, "loadBalancerSourceRanges"),
        Str(10, "externalName"), Str(11, "externalTrafficPolicy"), Int(12, "healthCheckNodePort"), Flag(13, "publishNotReadyAddresses"),
        Str(17, "ipFamilyPolicy"), Strs(18, "clusterIPs"), Strs(19, "ipFamilies"), Flag(20, "allocateLoadBalancerNodePorts", keep: true),
        Str(21, "loadBalancerClass"), Str(22, "internalTrafficPolicy"));

    private static readonly ProtoMessage ServiceStatus = new("ServiceStatus", Msg(1, "loadBalancer", () => Empty));

    private static readonly ProtoMessage ContainerPort = new(
        "ContainerPort", Str(1, "name"), Int(2, "hostPort"), Int(3, "containerPort"), Str(4, "protocol"), Str(5, "hostIP"));

    private static readonly ProtoMessage EnvVar = new("EnvVar", Str(1, "name"), Str(2, "value"));

    private static readonly ProtoMessage ResourceRequirements = new(
        "ResourceRequirements", new(1, "limits", QuantityMap), new(2, "requests", QuantityMap));

    private static readonly ProtoMessage Container = new(
        "Container",
        Str(1, "name"), Str(2, "image"), Strs(3, "command"), Strs(4, "args"), Str(5, "workingDir"),
        Msg(6, "ports", () => ContainerPort, repeated: true), Msg(7, "env", () => EnvVar, repeated: true),
        Msg(8, "resources", () => ResourceRequirements), Str(13, "terminationMessagePath"), Str(14, "imagePullPolicy"),
        Flag(16, "stdin"), Flag(17, "stdinOnce"), Flag(18, "tty"), Str(20, "terminationMessagePolicy"));

    private static readonly ProtoMessage PodSpec = new(
        "PodSpec",
        Msg(2, "containers", () => Container, repeated: true), Str(3, "restartPolicy"), Int(4, "terminationGracePeriodSeconds", keep: true),
        Str(6, "dnsPolicy"), new(7, "nodeSelector", StringMap), Str(8, "serviceAccountName"), Str(9, "serviceAccount"),
        Str(10, "nodeName"), Flag(11, "hostNetwork"), Msg(15, "imagePullSecrets", () => LocalObjectReference, repeated: true),
        Str(19, "schedulerName"), Msg(20, "initContainers", () => Container, repeated: true), Flag(21, "automountServiceAccountToken", keep: true));

    private static readonly ProtoMessage PodTemplateSpec = new(
        "PodTemplateSpec", Msg(1, "metadata", () => ObjectMeta), Msg(2, "spec", () => PodSpec));

    // apps/v1
    private static readonly ProtoMessage RollingUpdateDeployment = new(
        "RollingUpdateDeployment", new(1, "maxUnavailable", IntOrString), new(2, "maxSurge", IntOrString));

    private static readonly ProtoMessage DeploymentStrategy = new(
        "DeploymentStrategy", Str(1, "type"), Msg(2, "rollingUpdate", () => RollingUpdateDeployment));

    private static readonly ProtoMessage DeploymentSpec = new(
        "DeploymentSpec",
        Int(1, "replicas", keep: true), Msg(2, "selector", () => LabelSelector), Msg(3, "template", () => PodTemplateSpec),
        Msg(4, "strategy", () => DeploymentStrategy), Int(5, "minReadySeconds"), Int(6, "revisionHistoryLimit", keep: true),
        Flag(7, "paused"), Int(9, "progressDeadlineSeconds", keep: true));

    // rbac.authorization.k8s.io/v1
    private static readonly ProtoMessage PolicyRule = new(
        "PolicyRule", Strs(1, "verbs"), Strs(2, "apiGroups"), Strs(3, "resources"), Strs(4, "resourceNames"), Strs(5, "nonResourceURLs"));

    private static readonly ProtoMessage AggregationRule = new(
        "AggregationRule", Msg(1, "clusterRoleSelectors", () => LabelSelector, repeated: true));

    private static readonly ProtoMessage Subject = new("Subject", Str(1, "kind"), Str(2, "apiGroup"), Str(3, "name"), Str(4, "namespace"));

    private static readonly ProtoMessage RoleRef = new("RoleRef", Str(1, "apiGroup"), Str(2, "kind"), Str(3, "name"));

    // policy/v1
    private static readonly ProtoMessage PodDisruptionBudgetSpec = new(
        "PodDisruptionBudgetSpec",
        new(1, "minAvailable", IntOrString), Msg(2, "selector", () => LabelSelector), new(3, "maxUnavailable", IntOrString),
        Str(4, "unhealthyPodEvictionPolicy"));

    private static readonly Dictionary<string, ProtoMessage> ByKind = new(StringComparer.Ordinal)
    {
        ["v1/Namespace"] = Object("Namespace", Msg(2, "spec", () => NamespaceSpec), Msg(3, "status", () => NamespaceStatus)),
        ["v1/ConfigMap"] = Object("ConfigMap", new(2, "data", StringMap), new(3, "binaryData", BytesMap), Flag(4, "immutable", keep: true)),
        ["v1/Secret"] = Object(
            "Secret", new(2, "data", BytesMap), Str(3, "type"), new(4, "stringData", StringMap), Flag(5, "immutable", keep: true)),
        ["v1/ServiceAccount"] = Object(
            "ServiceAccount",
            Msg(2, "secrets", () => ObjectReference, repeated: true), Msg(3, "imagePullSecrets", () => LocalObjectReference, repeated: true),
            Flag(4, "automountServiceAccountToken", keep: true)),
        ["v1/Service"] = Object("Service", Msg(2, "spec", () => ServiceSpec), Msg(3, "status", () => ServiceStatus)),
        ["apps/v1/Deployment"] = Object("Deployment", Msg(2, "spec", () => DeploymentSpec), Msg(3, "status", () => Empty)),
        ["rbac.authorization.k8s.io/v1/Role"] = Object("Role", Msg(2, "rules", () => PolicyRule, repeated: true)),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = Object(
            "ClusterRole", Msg(2, "rules", () => PolicyRule, repeated: true), Msg(3, "aggregationRule", () => AggregationRule)),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = Object(
            "RoleBinding", Msg(2, "subjects", () => Subject, repeated: true), Msg(3, "roleRef", () => RoleRef)),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = Object(
            "ClusterRoleBinding", Msg(2, "subjects", () => Subject, repeated: true), Msg(3, "roleRef", () => RoleRef)),
        ["policy/v1/PodDisruptionBudget"] = Object(
            "PodDisruptionBudget", Msg(2, "spec", () => PodDisruptionBudgetSpec), Msg(3, "status", () => Empty)),
    };

    /// <summary>The schema of a kind's top-level message, or null when this server cannot read it as protobuf.</summary>
    public static ProtoMessage? Find(string apiVersion, string kind) => ByKind.GetValueOrDefault($"{apiVersion}/{kind}");

    /// <summary>The kinds readable as protobuf, as <c>apiVersion/Kind</c>, for error messages.</summary>
    public static IEnumerable<string> Kinds => ByKind.Keys;

    /// <summary>A top-level object: <c>metadata</c> is field 1 in every kind.</summary>
    private static ProtoMessage Object(string name, params ProtoField[] fields) =>
        new(name, [Msg(1, "metadata", () => ObjectMeta), .. fields]);

    private static ProtoField Str(int number, string name) => new(number, name, ProtoFieldKind.String);

    private static ProtoField Strs(int number, string name) => new(number, name, ProtoFieldKind.String, Repeated: true);

    private static ProtoField Int(int number, string name, bool keep = false) => new(number, name, Integer, KeepZero: keep);

    private static ProtoField Flag(int number, string name, bool keep = false) => new(number, name, Bool, KeepZero: keep);

    private static ProtoField Msg(int number, string name, Func<ProtoMessage> message, bool repeated = false) =>
        new(number, name, ProtoFieldKind.Message, repeated) { Message = message };
}
