using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Resources;

/// <summary>
/// Defaults Secrets as the API server does: <c>type</c> Opaque when none is given, and <c>stringData</c> written into
/// <c>data</c> (base64, overriding a key of the same name) and never stored itself.
/// </summary>
internal sealed class SecretDefaulter : IAdmission
{
    public void Admit(ResourceType type, JsonObject? old, JsonObject obj)
    {
        if (type.Group.Length != 0 || type.Plural != "secrets")
        {
            return;
        }

        if (Json.String(obj, "type") is null or "")
        {
            obj["type"] = "Opaque";
        }

        if (obj["stringData"] is JsonObject stringData)
        {
            if (obj["data"] is not JsonObject data)
            {
                data = [];
                obj["data"] = data;
            }

            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Scalar(value) ?? string.Empty));
            }
        }

        obj.Remove("stringData");
    }

    public void Committed(ResourceType type, JsonObject? old, JsonObject? obj)
    {
    }
}
