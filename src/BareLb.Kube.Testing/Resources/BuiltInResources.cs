namespace BareLb.Kube.Testing.Resources;

/// <summary>The built-in resources BareLb and its users touch.</summary>
internal static class BuiltInResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Core("namespaces", "namespace", "Namespace", false, ["ns"], hasStatus: true),
        Core("nodes", "node", "Node", false, ["no"], hasStatus: true),
        Core("pods", "pod", "Pod", true, ["po"], hasStatus: true, categories: ["all"]),
        Core("services", "service", "Service", true, ["svc"], hasStatus: true, categories: ["all"]),
        Core("endpoints", "endpoints", "Endpoints", true, ["ep"]),
        Core("configmaps", "configmap", "ConfigMap", true, ["cm"]),
        Core("secrets", "secret", "Secret", true, []),
        Core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"]),
        Core("events", "event", "Event", true, ["ev"]),
        new ResourceType
        {
            Group = "discovery.k8s.io", Version = "v1", Plural = "endpointslices", Singular = "endpointslice",
            Kind = "EndpointSlice", Namespaced = true,
        },
        new ResourceType
        {
            Group = "events.k8s.io", Version = "v1", Plural = "events", Singular = "event",
            Kind = "Event", Namespaced = true, ShortNames = ["ev"], StoredWith = "/events",
        },
        new ResourceType
        {
            Group = "coordination.k8s.io", Version = "v1", Plural = "leases", Singular = "lease",
            Kind = "Lease", Namespaced = true,
        },
        new ResourceType
        {
            Group = "apps", Version = "v1", Plural = "deployments", Singular = "deployment",
            Kind = "Deployment", Namespaced = true, ShortNames = ["deploy"], HasStatus = true, HasGeneration = true,
            Categories = ["all"],
        },
        new ResourceType
        {
            Group = "apps", Version = "v1", Plural = "daemonsets", Singular = "daemonset",
            Kind = "DaemonSet", Namespaced = true, ShortNames = ["ds"], HasStatus = true, HasGeneration = true,
            Categories = ["all"],
        },
        new ResourceType
        {
            Group = "policy", Version = "v1", Plural = "poddisruptionbudgets", Singular = "poddisruptionbudget",
            Kind = "PodDisruptionBudget", Namespaced = true, ShortNames = ["pdb"], HasStatus = true, HasGeneration = true,
        },
        new ResourceType
        {
            Group = "admissionregistration.k8s.io", Version = "v1", Plural = "validatingwebhookconfigurations",
            Singular = "validatingwebhookconfiguration", Kind = "ValidatingWebhookConfiguration", Namespaced = false,
        },
        Rbac("roles", "role", "Role", true),
        Rbac("rolebindings", "rolebinding", "RoleBinding", true),
        Rbac("clusterroles", "clusterrole", "ClusterRole", false),
        Rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false),
        new ResourceType
        {
            Group = "apiextensions.k8s.io", Version = "v1", Plural = "customresourcedefinitions",
            Singular = "customresourcedefinition", Kind = "CustomResourceDefinition", Namespaced = false,
            ShortNames = ["crd", "crds"], HasStatus = true, HasGeneration = true,
        },
    ];

    private static ResourceType Rbac(string plural, string singular, string kind, bool namespaced) => new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Plural = plural,
        Singular = singular,
        Kind = kind,
        Namespaced = namespaced,
    };

    private static ResourceType Core(
        string plural, string singular, string kind, bool namespaced, string[] shortNames,
        bool hasStatus = false, string[]? categories = null) => new()
        {
            Group = string.Empty,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            HasStatus = hasStatus,
            Categories = categories ?? [],
        };
}
