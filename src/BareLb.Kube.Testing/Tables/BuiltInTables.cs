using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Tables;

/// <summary>The columns the real API server prints for the built-in kinds.</summary>
internal static class BuiltInTables
{
    private const string None = "<none>";

    public static TableColumn Name { get; } = new("Name", "string", "Name must be unique within a namespace.", 0,
        (o, _) => Json.String(o, "metadata", "name"), "name");

    public static TableColumn Age { get; } = new("Age", "string", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0,
        (o, now) => AgeOf(o, now));

    private static readonly Dictionary<string, TableColumn[]> ByResource = new(StringComparer.Ordinal)
    {
        ["/services"] =
        [
            Name,
            Col("Type", (o, _) => Json.String(o, "spec", "type")),
            Col("Cluster-IP", (o, _) => ClusterIp(o)),
            Col("External-IP", (o, _) => ExternalIp(o)),
            Col("Port(s)", (o, _) => Ports(o)),
            Age,
            Col("Selector", (o, _) => Selector(Json.At(o, "spec", "selector") as JsonObject), 1),
        ],
        ["/pods"] =
        [
            Name,
            Col("Ready", (o, _) => PodReady(o)),
            Col("Status", (o, _) => PodStatus(o)),
            Col("Restarts", (o, _) => PodRestarts(o), type: "integer"),
            Age,
            Col("IP", (o, _) => Json.String(o, "status", "podIP") ?? None, 1),
            Col("Node", (o, _) => Json.String(o, "spec", "nodeName") ?? None, 1),
        ],
        ["/nodes"] =
        [
            Name,
            Col("Status", (o, _) => NodeStatus(o)),
            Col("Roles", (o, _) => NodeRoles(o)),
            Age,
            Col("Version", (o, _) => Json.String(o, "status", "nodeInfo", "kubeletVersion") ?? string.Empty),
            Col("Internal-IP", (o, _) => NodeAddress(o, "InternalIP"), 1),
        ],
        ["/namespaces"] =
        [
            Name,
            Col("Status", (o, _) => Json.String(o, "status", "phase") ?? "Active"),
            Age,
        ],
        ["/configmaps"] =
        [
            Name,
            Col("Data", (o, _) => Count(o, "data") + Count(o, "binaryData"), type: "integer"),
            Age,
        ],
        ["/secrets"] =
        [
            Name,
            Col("Type", (o, _) => Json.String(o, "type") ?? "Opaque"),
            Col("Data", (o, _) => Count(o, "data"), type: "integer"),
            Age,
        ],
        ["/serviceaccounts"] =
        [
            Name,
            Col("Secrets", (o, _) => (Json.At(o, "secrets") as JsonArray)?.Count ?? 0, type: "integer"),
            Age,
        ],
        ["/endpoints"] =
        [
            Name,
            Col("Endpoints", (o, _) => Endpoints(o)),
            Age,
        ],
        ["discovery.k8s.io/endpointslices"] =
        [
            Name,
            Col("AddressType", (o, _) => Json.String(o, "addressType")),
            Col("Ports", (o, _) => SlicePorts(o)),
            Col("Endpoints", (o, _) => SliceEndpoints(o)),
            Age,
        ],
        ["/events"] = EventColumns(),
        ["events.k8s.io/events"] = EventColumns(),
        ["coordination.k8s.io/leases"] =
        [
            Name,
            Col("Holder", (o, _) => Json.String(o, "spec", "holderIdentity") ?? string.Empty),
            Age,
        ],
        ["apps/deployments"] =
        [
            Name,
            Col("Ready", (o, _) => string.Create(CultureInfo.InvariantCulture, $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}")),
            Col("Up-to-date", (o, _) => Int(o, "status", "updatedReplicas"), type: "integer"),
            Col("Available", (o, _) => Int(o, "status", "availableReplicas"), type: "integer"),
            Age,
        ],
        ["apps/daemonsets"] =
        [
            Name,
            Col("Desired", (o, _) => Int(o, "status", "desiredNumberScheduled"), type: "integer"),
            Col("Current", (o, _) => Int(o, "status", "currentNumberScheduled"), type: "integer"),
            Col("Ready", (o, _) => Int(o, "status", "numberReady"), type: "integer"),
            Col("Up-to-date", (o, _) => Int(o, "status", "updatedNumberScheduled"), type: "integer"),
            Col("Available", (o, _) => Int(o, "status", "numberAvailable"), type: "integer"),
            Col("Node Selector", (o, _) => Selector(Json.At(o, "spec", "template", "spec", "nodeSelector") as JsonObject)),
            Age,
        ],
        ["apiextensions.k8s.io/customresourcedefinitions"] =
        [
            Name,
            new("Created At", "date", "The time the object was created.", 0,
                (o, _) => Json.String(o, "metadata", "creationTimestamp")),
        ],
    };

    public static IReadOnlyList<TableColumn>? For(string storageKey) => ByResource.GetValueOrDefault(storageKey);

    public static string AgeOf(JsonObject obj, DateTimeOffset now)
    {
        var created = Json.String(obj, "metadata", "creationTimestamp");
        return created is not null && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration.Format(now - at)
            : "<unknown>";
    }

    private static TableColumn Col(string name, Func<JsonObject, DateTimeOffset, JsonNode?> cell, int priority = 0, string type = "string") =>
        new(name, type, string.Empty, priority, cell);

    private static TableColumn[] EventColumns() =>
    [
        Col("Last Seen", (o, now) => EventLastSeen(o, now)),
        Col("Type", (o, _) => Json.String(o, "type")),
        Col("Reason", (o, _) => Json.String(o, "reason")),
        Col("Object", (o, _) => EventObject(o)),
        Col("Subobject", (o, _) => Json.String(o, "involvedObject", "fieldPath") ?? string.Empty, 1),
        Col("Source", (o, _) => Json.String(o, "source", "component") ?? Json.String(o, "reportingController") ?? string.Empty, 1),
        Col("Message", (o, _) => Json.String(o, "message") ?? Json.String(o, "note")),
        Col("First Seen", (o, now) => Since(Json.String(o, "firstTimestamp") ?? Json.String(o, "deprecatedFirstTimestamp") ?? Json.String(o, "eventTime"), now), 1),
        Col("Count", (o, _) => Int(o, "count") == 0 ? Int(o, "deprecatedCount") : Int(o, "count"), 1, "integer"),
        Col("Name", (o, _) => Json.String(o, "metadata", "name"), 1),
    ];

    private static string ClusterIp(JsonObject svc)
    {
        var ips = Json.At(svc, "spec", "clusterIPs") as JsonArray;
        return ips is { Count: > 0 } ? Json.Scalar(ips[0]) ?? None : Json.String(svc, "spec", "clusterIP") is { Length: > 0 } ip ? ip : None;
    }

    private static string ExternalIp(JsonObject svc)
    {
        var external = (Json.At(svc, "spec", "externalIPs") as JsonArray)?.Select(Json.Scalar).OfType<string>().ToList() ?? [];
        switch (Json.String(svc, "spec", "type"))
        {
            case "ClusterIP" or "NodePort" or null:
                return external.Count > 0 ? string.Join(',', external) : None;
            case "LoadBalancer":
                var ingress = (Json.At(svc, "status", "loadBalancer", "ingress") as JsonArray)?.OfType<JsonObject>()
                    .Select(i => Json.String(i, "ip") ?? Json.String(i, "hostname")).OfType<string>().ToList() ?? [];
                var lb = string.Join(',', ingress);
                if (lb.Length > 16)
                {
                    lb = lb[..13] + "...";
                }

                if (lb.Length > 0)
                {
                    external.Add(lb);
                }

                return external.Count > 0 ? string.Join(',', external) : "<pending>";
            case "ExternalName":
                return Json.String(svc, "spec", "externalName") ?? None;
            default:
                return "<unknown>";
        }
    }

    private static string Ports(JsonObject svc)
    {
        if (Json.At(svc, "spec", "ports") is not JsonArray { Count: > 0 } ports)
        {
            return None;
        }

        return string.Join(',', ports.OfType<JsonObject>().Select(p =>
        {
            var protocol = Json.String(p, "protocol") ?? "TCP";
            var nodePort = Json.Integer(p["nodePort"]) ?? 0;
            var port = Json.Scalar(p["port"]);
            return nodePort > 0 ? string.Create(CultureInfo.InvariantCulture, $"{port}:{nodePort}/{protocol}") : $"{port}/{protocol}";
        }));
    }

    private static string Selector(JsonObject? selector) =>
        selector is null || selector.Count == 0
            ? None
            : string.Join(',', selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Json.Scalar(p.Value)}"));

    private static string PodReady(JsonObject pod)
    {
        var total = (Json.At(pod, "spec", "containers") as JsonArray)?.Count ?? 0;
        var ready = (Json.At(pod, "status", "containerStatuses") as JsonArray)?.OfType<JsonObject>().Count(c => Json.Bool(c["ready"]) == true) ?? 0;
        return string.Create(CultureInfo.InvariantCulture, $"{ready}/{total}");
    }

    private static string PodStatus(JsonObject pod) =>
        Json.At(pod, "metadata", "deletionTimestamp") is not null ? "Terminating"
        : Json.String(pod, "status", "reason") ?? Json.String(pod, "status", "phase") ?? "Pending";

    private static long PodRestarts(JsonObject pod) =>
        (Json.At(pod, "status", "containerStatuses") as JsonArray)?.OfType<JsonObject>().Sum(c => Int(c, "restartCount")) ?? 0;

    private static string NodeStatus(JsonObject node)
    {
        var ready = (Json.At(node, "status", "conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Json.String(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : Json.String(ready, "status") == "True" ? "Ready" : "NotReady";
        return Json.Bool(Json.At(node, "spec", "unschedulable")) == true ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonObject node)
    {
        var roles = (Json.At(node, "metadata", "labels") as JsonObject)?.Select(p => p.Key)
            .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..])
            .Order(StringComparer.Ordinal).ToList() ?? [];
        return roles.Count == 0 ? None : string.Join(',', roles);
    }

    private static string NodeAddress(JsonObject node, string type) =>
        (Json.At(node, "status", "addresses") as JsonArray)?.OfType<JsonObject>()
            .Where(a => Json.String(a, "type") == type).Select(a => Json.String(a, "address")).FirstOrDefault() ?? None;

    private static string Endpoints(JsonObject ep)
    {
        var list = new List<string>();
        foreach (var subset in (Json.At(ep, "subsets") as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var ports = (subset["ports"] as JsonArray)?.OfType<JsonObject>().Select(p => Json.Scalar(p["port"])).ToList() ?? [];
            foreach (var address in (subset["addresses"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var ip = Json.String(address, "ip");
                if (ports.Count == 0)
                {
                    list.Add(ip ?? string.Empty);
                }
                else
                {
                    list.AddRange(ports.Select(p => $"{ip}:{p}"));
                }
            }
        }

        return Abbreviate(list);
    }

    private static string SlicePorts(JsonObject slice)
    {
        var ports = (Json.At(slice, "ports") as JsonArray)?.OfType<JsonObject>().Select(p => Json.Scalar(p["port"]) ?? string.Empty).ToList() ?? [];
        return ports.Count == 0 ? "<unset>" : string.Join(',', ports);
    }

    private static string SliceEndpoints(JsonObject slice)
    {
        var addresses = (Json.At(slice, "endpoints") as JsonArray)?.OfType<JsonObject>()
            .SelectMany(e => (e["addresses"] as JsonArray)?.Select(Json.Scalar).OfType<string>() ?? []).ToList() ?? [];
        return Abbreviate(addresses);
    }

    private static string Abbreviate(List<string> items) =>
        items.Count == 0 ? None
        : items.Count > 3 ? string.Join(',', items.Take(3)) + string.Create(CultureInfo.InvariantCulture, $" + {items.Count - 3} more...")
        : string.Join(',', items);

    private static string EventLastSeen(JsonObject ev, DateTimeOffset now) =>
        Since(Json.String(ev, "lastTimestamp") ?? Json.String(ev, "deprecatedLastTimestamp") ?? Json.String(ev, "eventTime")
            ?? Json.String(ev, "metadata", "creationTimestamp"), now);

    private static string EventObject(JsonObject ev)
    {
        var involved = Json.At(ev, "involvedObject") ?? Json.At(ev, "regarding");
        var kind = Json.String(involved, "kind") ?? string.Empty;
        return $"{kind.ToLowerInvariant()}/{Json.String(involved, "name")}";
    }

    private static string Since(string? timestamp, DateTimeOffset now) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration.Format(now - at)
            : "<unknown>";

    private static int Count(JsonObject obj, string field) => (obj[field] as JsonObject)?.Count ?? 0;

    private static long Int(JsonNode? node, params string[] path) => Json.Integer(Json.At(node, path)) ?? 0;
}
