using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Watch;

namespace BareLb.Kube.Testing.Storage;

/// <summary>
/// The storage of every object, with a global monotonic resourceVersion, a bounded history of changes
/// for resuming watches, and the fan-out of changes to open watches. One lock guards all writes, so
/// watchers see changes in resourceVersion order without gaps.
/// </summary>
internal sealed class ObjectStore
{
    private const string NamespacesKey = "/namespaces";
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _objects = new(StringComparer.Ordinal);
    private readonly Queue<HistoryEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private readonly TimeProvider _time;
    private readonly int _historyCapacity;
    private readonly List<IAdmission> _admissions = [];
    private readonly ResourceCatalog _catalog;
    private long _resourceVersion;
    private long _compactedVersion;

    public ObjectStore(ResourceCatalog catalog, TimeProvider time, int historyCapacity, long firstResourceVersion)
    {
        _catalog = catalog;
        _time = time;
        _historyCapacity = historyCapacity;
        _resourceVersion = firstResourceVersion;
        _compactedVersion = firstResourceVersion;
    }

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    public void AddAdmission(IAdmission admission) => _admissions.Add(admission);

    public StoredObject? Get(ResourceType type, string ns, string name)
    {
        lock (_gate)
        {
            return Bucket(type.StorageKey).GetValueOrDefault(Key(type, ns, name));
        }
    }

    /// <summary>A consistent snapshot of a collection (sorted by namespace and name) and its resourceVersion.</summary>
    public (List<StoredObject> Items, long ResourceVersion) List(ResourceType type, string? ns)
    {
        lock (_gate)
        {
            var bucket = Bucket(type.StorageKey);
            var items = new List<StoredObject>(ns is null ? bucket.Count : 16);
            foreach (var obj in bucket.Values)
            {
                if (ns is null || obj.Namespace == ns)
                {
                    items.Add(obj);
                }
            }

            return (items, _resourceVersion);
        }
    }

    public void EnsureNotExpired(long resourceVersion, string what)
    {
        lock (_gate)
        {
            if (resourceVersion < _compactedVersion)
            {
                throw ApiException.Gone($"The provided {what} is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.");
            }
        }
    }

    public StoredObject Create(ResourceType type, string ns, JsonObject obj, bool dryRun)
    {
        lock (_gate)
        {
            CheckTypeMeta(type, obj);
            var metadata = Json.Metadata(obj);
            var name = Json.String(metadata, "name");
            if (string.IsNullOrEmpty(name))
            {
                var prefix = Json.String(metadata, "generateName");
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiException.Invalid(type.Kind, type.Group, string.Empty, "metadata.name: Required value: name or generateName is required");
                }

                do
                {
                    name = prefix + RandomSuffix();
                }
                while (Bucket(type.StorageKey).ContainsKey(Key(type, ns, name)));
                metadata["name"] = name;
            }

            NameRules.Validate(type, name);
            if (type.Namespaced)
            {
                var bodyNs = Json.String(metadata, "namespace");
                if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                {
                    throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                metadata["namespace"] = ns;
                var nsObj = Bucket(NamespacesKey).GetValueOrDefault(ns);
                if (nsObj is null)
                {
                    throw ApiException.NotFound("namespaces", string.Empty, ns);
                }

                if (nsObj.Root.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _))
                {
                    throw ApiException.FromCode(403, $"{type.Plural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
                }
            }
            else
            {
                metadata.Remove("namespace");
            }

            var key = Key(type, ns, name);
            if (Bucket(type.StorageKey).ContainsKey(key))
            {
                throw ApiException.AlreadyExists(type.Plural, type.Group, name);
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata.Remove("deletionTimestamp");
            metadata.Remove("deletionGracePeriodSeconds");
            metadata.Remove("managedFields");
            if (type.HasGeneration)
            {
                metadata["generation"] = 1;
            }
            else
            {
                metadata.Remove("generation");
            }

            foreach (var admission in _admissions)
            {
                admission.Admit(type, null, obj);
            }

            if (dryRun)
            {
                metadata.Remove("resourceVersion");
                return new StoredObject(obj, _resourceVersion);
            }

            var stored = Commit(type, obj, key);
            Record(type.StorageKey, "ADDED", stored, null);
            foreach (var admission in _admissions)
            {
                admission.Committed(type, null, obj);
            }

            return stored;
        }
    }

    /// <summary>
    /// Replaces an object with what <paramref name="produce"/> makes of a copy of the current one (update and
    /// patch both come here), applying the rules of the main resource or of its status subresource.
    /// </summary>
    public StoredObject Update(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> produce, bool status, bool dryRun)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var current = Bucket(type.StorageKey).GetValueOrDefault(key)
                ?? throw ApiException.NotFound(type.Plural, type.Group, name);
            var currentNode = current.CloneNode();
            var proposed = produce(current.CloneNode());
            CheckTypeMeta(type, proposed);
            var metadata = Json.Metadata(proposed);
            var bodyName = Json.String(metadata, "name");
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw ApiException.BadRequest("the name of the object does not match the name on the URL");
            }

            var requested = Json.String(metadata, "resourceVersion");
            if (!string.IsNullOrEmpty(requested) && requested != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiException.Conflict(type.Plural, type.Group, name);
            }

            JsonObject next;
            if (status)
            {
                // The status subresource takes status (and labels/annotations) from the request, the rest from storage.
                next = current.CloneNode();
                if (proposed["status"] is { } newStatus)
                {
                    next["status"] = newStatus.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }

                var nextMeta = Json.Metadata(next);
                foreach (var field in (string[])["labels", "annotations", "ownerReferences", "finalizers"])
                {
                    CopyField(metadata, nextMeta, field);
                }
            }
            else
            {
                next = proposed;
                if (type.HasStatus)
                {
                    if (currentNode["status"] is { } oldStatus)
                    {
                        next["status"] = oldStatus.DeepClone();
                    }
                    else
                    {
                        next.Remove("status");
                    }
                }
            }

            var oldMeta = Json.Metadata(currentNode);
            var newMeta = Json.Metadata(next);
            newMeta["name"] = name;
            foreach (var field in (string[])["namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "generateName"])
            {
                CopyField(oldMeta, newMeta, field);
            }

            newMeta.Remove("managedFields");
            if (type.HasGeneration && !status && SpecChanged(currentNode, next))
            {
                newMeta["generation"] = (Json.Integer(oldMeta["generation"]) ?? 1) + 1;
            }

            foreach (var admission in _admissions)
            {
                admission.Admit(type, currentNode, next);
            }

            newMeta["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
            if (JsonNode.DeepEquals(next, currentNode))
            {
                return current;
            }

            if (dryRun)
            {
                return new StoredObject(next, current.ResourceVersion);
            }

            if (newMeta["deletionTimestamp"] is not null && (newMeta["finalizers"] is not JsonArray { Count: > 0 }))
            {
                var removed = Commit(type, next, key: null);
                Bucket(type.StorageKey).Remove(key);
                Record(type.StorageKey, "DELETED", removed, current);
                AfterDelete(type, currentNode);
                return removed;
            }

            var stored = Commit(type, next, key);
            Record(type.StorageKey, "MODIFIED", stored, current);
            foreach (var admission in _admissions)
            {
                admission.Committed(type, currentNode, next);
            }

            return stored;
        }
    }

    /// <summary>Deletes an object (or marks it for deletion while it has finalizers) and returns its last state.</summary>
    public StoredObject Delete(ResourceType type, string ns, string name, string? uid, string? resourceVersion, bool dryRun)
    {
        lock (_gate)
        {
            var key = Key(type, ns, name);
            var current = Bucket(type.StorageKey).GetValueOrDefault(key)
                ?? throw ApiException.NotFound(type.Plural, type.Group, name);
            var currentNode = current.CloneNode();
            if (uid is not null && Json.String(currentNode, "metadata", "uid") != uid)
            {
                throw ApiException.FromCode(409, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Json.String(currentNode, "metadata", "uid")}");
            }

            if (resourceVersion is not null && resourceVersion != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw ApiException.Conflict(type.Plural, type.Group, name);
            }

            if (dryRun)
            {
                return current;
            }

            if (Json.At(currentNode, "metadata", "finalizers") is JsonArray { Count: > 0 })
            {
                if (Json.At(currentNode, "metadata", "deletionTimestamp") is not null)
                {
                    return current;
                }

                var marked = currentNode;
                Json.Metadata(marked)["deletionTimestamp"] = Now();
                Json.Metadata(marked)["deletionGracePeriodSeconds"] = 0;
                var stored = Commit(type, marked, key);
                Record(type.StorageKey, "MODIFIED", stored, current);
                return stored;
            }

            return RemoveLocked(type, key, current);
        }
    }

    /// <summary>Opens a watch: queues the initial or replayed events and registers it for what follows.</summary>
    public Watcher Watch(Watcher watcher, ResourceType type, string? resourceVersion)
    {
        lock (_gate)
        {
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Bucket(type.StorageKey).Values)
                {
                    watcher.Offer("ADDED", obj, null);
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiException.BadRequest($"invalid resource version: {resourceVersion}");
                }

                if (from < _compactedVersion)
                {
                    watcher.Enqueue(WatchItem.Failure(ApiException.Gone($"too old resource version: {from} ({_compactedVersion})")));
                    watcher.Cut();
                    return watcher;
                }

                foreach (var change in _history)
                {
                    if (change.ResourceVersion > from && change.StorageKey == type.StorageKey)
                    {
                        watcher.Offer(change.Type, change.Object, change.Old);
                    }
                }
            }

            _watchers.Add(watcher);
            return watcher;
        }
    }

    public void Unwatch(Watcher watcher)
    {
        lock (_gate)
        {
            _watchers.Remove(watcher);
        }
    }

    /// <summary>Ends every open watch stream.</summary>
    public int CutWatches()
    {
        lock (_gate)
        {
            var count = _watchers.Count;
            foreach (var watcher in _watchers)
            {
                watcher.Cut();
            }

            _watchers.Clear();
            return count;
        }
    }

    /// <summary>Sends a bookmark with the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                if (watcher.Bookmarks)
                {
                    watcher.Enqueue(WatchItem.Bookmark(_resourceVersion));
                }
            }
        }
    }

    /// <summary>Forgets the history: resuming from any resourceVersion before now answers 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedVersion = _resourceVersion + 1;
        }
    }

    /// <summary>Deletes every object of a storage key (a CRD went away).</summary>
    public void DropAll(ResourceType type)
    {
        lock (_gate)
        {
            foreach (var (key, obj) in Bucket(type.StorageKey).ToArray())
            {
                RemoveLocked(type, key, obj);
            }
        }
    }

    private StoredObject RemoveLocked(ResourceType type, string key, StoredObject current)
    {
        var final = current.CloneNode();
        var removed = Commit(type, final, key: null);
        Bucket(type.StorageKey).Remove(key);
        Record(type.StorageKey, "DELETED", removed, current);
        AfterDelete(type, current.CloneNode());
        return removed;
    }

    private void AfterDelete(ResourceType type, JsonObject old)
    {
        foreach (var admission in _admissions)
        {
            admission.Committed(type, old, null);
        }

        if (type.StorageKey == NamespacesKey)
        {
            var ns = Json.String(old, "metadata", "name");
            foreach (var other in _catalog.All)
            {
                if (!other.Namespaced || !_objects.TryGetValue(other.StorageKey, out var bucket))
                {
                    continue;
                }

                foreach (var (key, obj) in bucket.ToArray())
                {
                    if (obj.Namespace == ns)
                    {
                        RemoveLocked(other, key, obj);
                    }
                }
            }
        }
    }

    private StoredObject Commit(ResourceType type, JsonObject obj, string? key)
    {
        var version = ++_resourceVersion;
        Json.Metadata(obj)["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
        var stored = new StoredObject(obj, version);
        if (key is not null)
        {
            Bucket(type.StorageKey)[key] = stored;
        }

        return stored;
    }

    private void Record(string storageKey, string type, StoredObject obj, StoredObject? old)
    {
        _history.Enqueue(new HistoryEvent(obj.ResourceVersion, storageKey, type, obj, old));
        while (_history.Count > _historyCapacity)
        {
            _compactedVersion = _history.Dequeue().ResourceVersion;
        }

        foreach (var watcher in _watchers)
        {
            if (watcher.StorageKey == storageKey)
            {
                watcher.Offer(type, obj, old);
            }
        }
    }

    private SortedDictionary<string, StoredObject> Bucket(string storageKey)
    {
        if (!_objects.TryGetValue(storageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            _objects[storageKey] = bucket;
        }

        return bucket;
    }

    private static string Key(ResourceType type, string ns, string name) => type.Namespaced ? $"{ns}/{name}" : name;

    private static void CheckTypeMeta(ResourceType type, JsonObject obj)
    {
        var apiVersion = Json.String(obj, "apiVersion");
        var kind = Json.String(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind of the object ({kind}) does not match the resource {type.GroupResource} ({type.Kind})");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion && !apiVersion.StartsWith(type.Group + "/", StringComparison.Ordinal))
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
    }

    private static bool SpecChanged(JsonObject before, JsonObject after)
    {
        foreach (var (name, value) in after)
        {
            if (name is "metadata" or "status" or "kind" or "apiVersion")
            {
                continue;
            }

            if (!JsonNode.DeepEquals(value, before[name]))
            {
                return true;
            }
        }

        foreach (var (name, _) in before)
        {
            if (name is not ("metadata" or "status" or "kind" or "apiVersion") && !after.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    private static void CopyField(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
        }
    }

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string RandomSuffix()
    {
        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = NameAlphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(NameAlphabet.Length)];
        }

        return new string(suffix);
    }
}
