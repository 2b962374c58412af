using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Patching;

/// <summary>JSON merge patch (RFC 7386): objects merge, <c>null</c> deletes, everything else replaces.</summary>
internal static class MergePatch
{
    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        MergeInto(target, patch);
        return target;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject patchObject)
            {
                if (target[name] is JsonObject existing)
                {
                    MergeInto(existing, patchObject);
                }
                else
                {
                    var fresh = new JsonObject();
                    MergeInto(fresh, patchObject);
                    target[name] = fresh;
                }
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
