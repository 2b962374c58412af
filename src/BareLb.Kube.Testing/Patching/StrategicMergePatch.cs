using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Patching;

/// <summary>
/// Strategic merge patch for built-in kinds: maps merge as in a merge patch, lists merge by their merge key
/// (see <see cref="PatchStrategies"/>) or are replaced, and the <c>$patch</c>, <c>$retainKeys</c>,
/// <c>$deleteFromPrimitiveList/</c> and <c>$setElementOrder/</c> directives are honoured.
/// </summary>
internal static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    public static JsonObject Apply(JsonObject target, JsonObject patch, string kind)
    {
        var result = MergeMap(target, patch, kind, string.Empty);
        return result ?? [];
    }

    private static JsonObject? MergeMap(JsonObject target, JsonObject patch, string kind, string path)
    {
        switch (Json.String(patch, PatchDirective))
        {
            case "delete":
                return null;
            case "replace":
                var replaced = (JsonObject)patch.DeepClone();
                replaced.Remove(PatchDirective);
                return replaced;
            default:
                break;
        }

        foreach (var (name, value) in patch)
        {
            if (name == PatchDirective || name == RetainKeys || name.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                continue;
            }

            if (name.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = name[DeleteFromPrimitiveList.Length..];
                if (target[field] is JsonArray list && value is JsonArray doomed)
                {
                    for (var i = list.Count - 1; i >= 0; i--)
                    {
                        if (doomed.Any(d => JsonNode.DeepEquals(d, list[i])))
                        {
                            list.RemoveAt(i);
                        }
                    }
                }

                continue;
            }

            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            var existing = target[name];
            switch (value)
            {
                case null:
                    target.Remove(name);
                    break;
                case JsonObject patchMap when existing is JsonObject targetMap:
                    var mergedMap = MergeMap(targetMap, patchMap, kind, childPath);
                    if (mergedMap is null)
                    {
                        target.Remove(name);
                    }
                    else if (!ReferenceEquals(mergedMap, targetMap))
                    {
                        target[name] = mergedMap;
                    }

                    break;
                case JsonObject patchMap:
                    var fresh = MergeMap([], patchMap, kind, childPath);
                    if (fresh is null)
                    {
                        target.Remove(name);
                    }
                    else
                    {
                        target[name] = fresh;
                    }

                    break;
                case JsonArray patchList:
                    var merged = MergeList(existing as JsonArray, patchList, kind, childPath);
                    target[name] = merged;
                    break;
                default:
                    target[name] = value.DeepClone();
                    break;
            }
        }

        if (patch[RetainKeys] is JsonArray retain)
        {
            var keep = retain.Select(Json.Scalar).ToHashSet(StringComparer.Ordinal);
            foreach (var name in target.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(name))
                {
                    target.Remove(name);
                }
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, string kind, string path)
    {
        var mergeKey = PatchStrategies.MergeKey(kind, path);
        if (mergeKey is null || patch.Any(e => e is JsonObject o && Json.String(o, PatchDirective) == "replace"))
        {
            var replaced = new JsonArray();
            foreach (var element in patch)
            {
                if (element is JsonObject o && Json.String(o, PatchDirective) is not null)
                {
                    continue;
                }

                replaced.Add(element?.DeepClone());
            }

            return replaced;
        }

        var result = target is null ? [] : (JsonArray)target.DeepClone();
        if (mergeKey == PatchStrategies.PrimitiveMerge)
        {
            foreach (var element in patch)
            {
                if (!result.Any(e => JsonNode.DeepEquals(e, element)))
                {
                    result.Add(element?.DeepClone());
                }
            }

            return result;
        }

        foreach (var element in patch)
        {
            if (element is not JsonObject patchItem)
            {
                result.Add(element?.DeepClone());
                continue;
            }

            var keyValue = Json.Scalar(patchItem[mergeKey]);
            var index = -1;
            for (var i = 0; i < result.Count; i++)
            {
                if (result[i] is JsonObject candidate && Json.Scalar(candidate[mergeKey]) == keyValue)
                {
                    index = i;
                    break;
                }
            }

            if (Json.String(patchItem, PatchDirective) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var merged = MergeMap((JsonObject)result[index]!, patchItem, kind, path);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else if (!ReferenceEquals(merged, result[index]))
                {
                    result[index] = merged;
                }
            }
            else
            {
                var fresh = MergeMap([], patchItem, kind, path);
                if (fresh is not null)
                {
                    result.Add(fresh);
                }
            }
        }

        return result;
    }
}
