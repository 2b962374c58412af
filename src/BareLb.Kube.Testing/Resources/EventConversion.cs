using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Resources;

/// <summary>
/// Converts between core <c>v1</c> Events, the form events are stored in, and <c>events.k8s.io/v1</c> Events, so
/// that both APIs show the same events (an event recorded through either shows up in <c>kubectl describe</c>).
/// </summary>
internal static class EventConversion
{
    private static readonly (string Core, string Events)[] Renames =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
        ("reportingComponent", "reportingController"),
    ];

    public static bool Applies(ResourceType type) => type.Group == "events.k8s.io" && type.Plural == "events";

    public static JsonObject ToCore(JsonObject obj)
    {
        Rename(obj, fromCore: false);
        obj["apiVersion"] = "v1";
        return obj;
    }

    public static JsonObject FromCore(JsonObject obj, string apiVersion)
    {
        Rename(obj, fromCore: true);
        obj["apiVersion"] = apiVersion;
        return obj;
    }

    private static void Rename(JsonObject obj, bool fromCore)
    {
        foreach (var (core, events) in Renames)
        {
            var (from, to) = fromCore ? (core, events) : (events, core);
            if (obj.Remove(from, out var value))
            {
                obj[to] = value;
            }
            else
            {
                obj.Remove(to);
            }
        }
    }
}
