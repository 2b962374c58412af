using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Resources;

/// <summary>Defaults Namespaces as the API server does: phase Active, the kubernetes finalizer and the name label.</summary>
internal sealed class NamespaceDefaulter : IAdmission
{
    public void Admit(ResourceType type, JsonObject? old, JsonObject obj)
    {
        if (type.Group.Length != 0 || type.Plural != "namespaces")
        {
            return;
        }

        var metadata = Json.Metadata(obj);
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = [];
            metadata["labels"] = labels;
        }

        labels["kubernetes.io/metadata.name"] = Json.String(metadata, "name");
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        spec["finalizers"] ??= new JsonArray("kubernetes");
        if (obj["status"] is not JsonObject status)
        {
            status = [];
            obj["status"] = status;
        }

        status["phase"] ??= "Active";
    }

    public void Committed(ResourceType type, JsonObject? old, JsonObject? obj)
    {
    }
}
