using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Authorization;
using BareLb.Kube.Testing.Discovery;
using BareLb.Kube.Testing.Faults;
using BareLb.Kube.Testing.Patching;
using BareLb.Kube.Testing.Protobuf;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Selectors;
using BareLb.Kube.Testing.Storage;
using BareLb.Kube.Testing.Tables;
using BareLb.Kube.Testing.Watch;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Testing.Http;

/// <summary>Serves every request: discovery, CRUD, patch, watch and tables, with faults applied first.</summary>
internal sealed partial class ApiHandler
{
    private const string JsonContentType = "application/json";
    private static readonly byte[] Comma = [(byte)','];

    private readonly ObjectStore _store;
    private readonly ResourceCatalog _catalog;
    private readonly ApiFaults _faults;
    private readonly ApiAuthorization _authorization;
    private readonly KubeApiServerOptions _options;
    private readonly ILogger _logger;

    public ApiHandler(ObjectStore store, ResourceCatalog catalog, ApiFaults faults, ApiAuthorization authorization, KubeApiServerOptions options, ILogger logger)
    {
        _authorization = authorization;
        _store = store;
        _catalog = catalog;
        _faults = faults;
        _options = options;
        _logger = logger;
    }

    /// <summary>The <c>host:port</c> discovery advertises; set once the server is listening.</summary>
    public string ServerAddress { get; set; } = "127.0.0.1";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        LogRequest(_logger, request.Method, request.Path.Value ?? string.Empty, request.QueryString.Value ?? string.Empty);
        try
        {
            var delay = _faults.ResponseDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            if (!context.Response.HasStarted)
            {
                if (e.Code == 429)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await WriteJsonAsync(context, e.Code, e.ToStatus()).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // A server answers an unexpected failure with a 500 Status rather than dropping the connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailure(_logger, request.Method, request.Path.Value ?? string.Empty, e);
            if (!context.Response.HasStarted)
            {
                await WriteJsonAsync(context, 500, ApiException.FromCode(500, e.Message).ToStatus()).ConfigureAwait(false);
            }
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(context.Request.Method);
        if (segments.Length == 0)
        {
            throw ApiException.PathNotFound();
        }

        switch (segments[0])
        {
            case "version" when segments.Length == 1:
                await WriteJsonAsync(context, 200, DiscoveryDocuments.Version(_options.GitVersion)).ConfigureAwait(false);
                return;
            case "healthz" or "livez" or "readyz" when segments.Length == 1:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
                return;
            case "api" when segments.Length == 1 && get:
                await WriteJsonAsync(context, 200, DiscoveryDocuments.CoreVersions(ServerAddress)).ConfigureAwait(false);
                return;
            case "api" when segments.Length >= 2:
                await ServeGroupVersionAsync(context, string.Empty, segments[1], segments.AsSpan(2).ToArray()).ConfigureAwait(false);
                return;
            case "apis" when segments.Length == 1 && get:
                await WriteJsonAsync(context, 200, DiscoveryDocuments.GroupList(_catalog)).ConfigureAwait(false);
                return;
            case "apis" when segments.Length == 2 && get:
                await WriteJsonAsync(context, 200, DiscoveryDocuments.GroupDocument(_catalog, segments[1]) ?? throw ApiException.PathNotFound()).ConfigureAwait(false);
                return;
            case "openapi" when segments.Length == 2 && segments[1] == "v3" && get:
                await WriteJsonAsync(context, 200, OpenApiDocuments.Index(_catalog)).ConfigureAwait(false);
                return;
            case "openapi" when segments.Length >= 4 && segments[1] == "v3" && get:
                {
                    var (group, version) = segments[2] == "api" ? (string.Empty, segments[3])
                        : segments.Length == 5 ? (segments[3], segments[4]) : (null, null);
                    var doc = group is null ? null : OpenApiDocuments.GroupVersion(_catalog, group, version!);
                    await WriteJsonAsync(context, 200, doc ?? throw ApiException.PathNotFound()).ConfigureAwait(false);
                    return;
                }

            case "apis" when segments.Length >= 3:
                await ServeGroupVersionAsync(context, segments[1], segments[2], segments.AsSpan(3).ToArray()).ConfigureAwait(false);
                return;
            default:
                throw ApiException.PathNotFound();
        }
    }

    private async Task ServeGroupVersionAsync(HttpContext context, string group, string version, string[] rest)
    {
        if (rest.Length == 0)
        {
            var list = DiscoveryDocuments.ResourceList(_catalog, group, version) ?? throw ApiException.PathNotFound();
            await WriteJsonAsync(context, 200, list).ConfigureAwait(false);
            return;
        }

        var target = ApiPath.Parse(group, version, rest) ?? throw ApiException.PathNotFound();
        var type = _catalog.Find(group, version, target.Plural) ?? throw ApiException.PathNotFound();
        if ((!type.Namespaced && target.Namespace is not null)
            || (type.Namespaced && target.Namespace is null && target.Name is not null)
            || (target.Subresource is not null && (target.Subresource != "status" || !type.HasStatus)))
        {
            throw ApiException.PathNotFound();
        }

        var request = context.Request;
        var query = request.Query;
        var watch = target.WatchPrefix || query["watch"] is ["true" or "1"];
        var method = request.Method;
        var verb = (HttpMethods.IsGet(method), HttpMethods.IsPost(method), HttpMethods.IsPut(method), HttpMethods.IsPatch(method), HttpMethods.IsDelete(method)) switch
        {
            (true, _, _, _, _) when watch => "watch",
            (true, _, _, _, _) => target.Name is null ? "list" : "get",
            (_, true, _, _, _) when target.Name is null => "create",
            (_, _, true, _, _) when target.Name is not null => "update",
            (_, _, _, true, _) when target.Name is not null => "patch",
            (_, _, _, _, true) => target.Name is null ? "deletecollection" : "delete",
            _ => throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };
        if (verb == "create" && type.Namespaced && target.Namespace is null)
        {
            throw ApiException.PathNotFound();
        }

        if (target.Subresource is not null && verb is not ("get" or "update" or "patch"))
        {
            throw ApiException.MethodNotAllowed($"{verb} is not allowed on {type.Plural}/{target.Subresource}");
        }

        var resourceName = target.Subresource is null ? type.Plural : $"{type.Plural}/{target.Subresource}";
        // As kube-apiserver: a list or watch narrowed by a metadata.name field selector is authorized as that name,
        // so a Role with resourceNames lets a client list and watch exactly the objects it names.
        var authorizedName = target.Name ?? (verb is "list" or "watch" ? NameFromFieldSelector(request.Query["fieldSelector"].ToString()) : null);
        _authorization.Authorize(request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null, verb, group, resourceName, target.Namespace, authorizedName);
        if (_faults.TakeFailure(verb, resourceName) is { } injected)
        {
            throw injected;
        }

        var ns = target.Namespace ?? string.Empty;
        var dryRun = query["dryRun"] is ["All"];
        var convert = EventConversion.Applies(type);
        var storeType = convert ? _catalog.Find(string.Empty, "v1", "events")! : type;
        switch (verb)
        {
            case "watch":
                await WatchAsync(context, type, target).ConfigureAwait(false);
                break;
            case "list":
                await ListAsync(context, type, target.Namespace).ConfigureAwait(false);
                break;
            case "get":
                {
                    var obj = _store.Get(storeType, ns, target.Name!) ?? throw ApiException.NotFound(type.Plural, type.Group, target.Name!);
                    await WriteObjectAsync(context, 200, type, obj).ConfigureAwait(false);
                    break;
                }

            case "create":
                {
                    var body = await ReadObjectAsync(context).ConfigureAwait(false);
                    var created = _store.Create(storeType, ns, convert ? EventConversion.ToCore(body) : body, dryRun);
                    await WriteObjectAsync(context, 201, type, created).ConfigureAwait(false);
                    break;
                }

            case "update":
                {
                    var body = await ReadObjectAsync(context).ConfigureAwait(false);
                    var stored = convert ? EventConversion.ToCore(body) : body;
                    var updated = _store.Update(storeType, ns, target.Name!, _ => stored, target.Subresource == "status", dryRun);
                    await WriteObjectAsync(context, 200, type, updated).ConfigureAwait(false);
                    break;
                }

            case "patch":
                {
                    var body = await ReadBodyAsync(context).ConfigureAwait(false);
                    if (IsApply(request.ContentType) && target.Subresource is null && _store.Get(storeType, ns, target.Name!) is null)
                    {
                        // Server-side apply of an object that does not exist yet creates it.
                        var applied = ApplyBody(query, body);
                        Json.Metadata(applied)["name"] = target.Name;
                        var created = _store.Create(storeType, ns, convert ? EventConversion.ToCore(applied) : applied, dryRun);
                        await WriteObjectAsync(context, 201, type, created).ConfigureAwait(false);
                        break;
                    }

                    var patch = IsApply(request.ContentType)
                        ? ApplyFunction(type, ApplyBody(query, body), target.Subresource == "status")
                        : PatchFunction(type, request.ContentType ?? string.Empty, body);
                    if (convert)
                    {
                        var inner = patch;
                        patch = current => EventConversion.ToCore(inner(EventConversion.FromCore(current, type.ApiVersion)));
                    }

                    var patched = _store.Update(storeType, ns, target.Name!, patch, target.Subresource == "status", dryRun);
                    await WriteObjectAsync(context, 200, type, patched).ConfigureAwait(false);
                    break;
                }

            case "delete":
                {
                    var (uid, rv, bodyDryRun) = DeleteOptions(await ReadBodyAsync(context).ConfigureAwait(false));
                    var deleted = _store.Delete(storeType, ns, target.Name!, uid, rv, dryRun || bodyDryRun);
                    await WriteObjectAsync(context, 200, type, deleted).ConfigureAwait(false);
                    break;
                }

            case "deletecollection":
                await DeleteCollectionAsync(context, type, storeType, target.Namespace, dryRun).ConfigureAwait(false);
                break;
            default:
                throw ApiException.MethodNotAllowed("unsupported verb");
        }
    }

    /// <summary>
    /// The object of a create or update: JSON, or the protobuf that kubectl's typed clients send for built-in kinds
    /// (<c>kubectl create namespace|configmap|secret|...</c>).
    /// </summary>
    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        var mediaType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        return mediaType switch
        {
            "application/json" or "" => Json.ParseObject(body),
            ProtobufBody.MediaType => ProtobufBody.Decode(body),
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/vnd.kubernetes.protobuf; got {mediaType}"),
        };
    }

    private static bool IsApply(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim() == "application/apply-patch+yaml";

    /// <summary>
    /// The body of a server-side apply. Only JSON (which is YAML) is read, and a <c>fieldManager</c> is required
    /// as on the real server.
    /// </summary>
    private static JsonObject ApplyBody(IQueryCollection query, byte[] body)
    {
        if (query["fieldManager"] is not [{ Length: > 0 }])
        {
            throw ApiException.BadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw ApiException.BadRequest("an apply body must be an object");
        }
        catch (System.Text.Json.JsonException)
        {
            throw new ApiException(415, "UnsupportedMediaType", "this server reads server-side apply bodies written as JSON only");
        }
    }

    /// <summary>
    /// Server-side apply approximated as a merge of the applied configuration into the live object: strategic for
    /// built-in kinds, JSON merge otherwise. There is no field ownership: fields another manager set are kept and
    /// no apply conflicts are reported.
    /// </summary>
    private static Func<JsonObject, JsonObject> ApplyFunction(ResourceType type, JsonObject applied, bool status)
    {
        if (!status)
        {
            applied.Remove("status");
        }

        Json.Metadata(applied).Remove("resourceVersion");
        return current => type.StrategicMerge
            ? StrategicMergePatch.Apply(current, applied, type.Kind)
            : MergePatch.Apply(current, applied);
    }

    private static Func<JsonObject, JsonObject> PatchFunction(ResourceType type, string contentType, byte[] body)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        switch (mediaType)
        {
            case "application/json-patch+json":
                {
                    JsonArray operations;
                    try
                    {
                        operations = JsonNode.Parse(body) as JsonArray ?? throw ApiException.BadRequest("a JSON patch must be an array");
                    }
                    catch (System.Text.Json.JsonException e)
                    {
                        throw ApiException.BadRequest($"the patch is not valid JSON: {e.Message}");
                    }

                    return current => JsonPatch.Apply(current, operations);
                }

            case "application/merge-patch+json":
                {
                    var patch = Json.ParseObject(body);
                    return current => MergePatch.Apply(current, patch);
                }

            case "application/strategic-merge-patch+json" when type.StrategicMerge:
                {
                    var patch = Json.ParseObject(body);
                    return current => StrategicMergePatch.Apply(current, patch, type.Kind);
                }

            default:
                throw ApiException.UnsupportedMediaType(contentType);
        }
    }

    private static (string? Uid, string? ResourceVersion, bool DryRun) DeleteOptions(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null, false);
        }

        var options = Json.ParseObject(body);
        var dryRun = options["dryRun"] is JsonArray dry && dry.Any(d => Json.Scalar(d) == "All");
        return (Json.String(options, "preconditions", "uid"), Json.String(options, "preconditions", "resourceVersion"), dryRun);
    }

    private async Task ListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var (all, resourceVersion) = _store.List(type, ns);
        var after = string.Empty;
        if (query["continue"] is [{ Length: > 0 } token])
        {
            var (rv, key) = ContinueToken.Decode(token);
            _store.EnsureNotExpired(rv, "continue parameter");
            after = key;
        }

        var limit = query["limit"] is [{ } limitText] && int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var items = new List<StoredObject>(Math.Min(all.Count, limit == int.MaxValue ? all.Count : limit));
        string? next = null;
        var remaining = 0L;
        foreach (var obj in all)
        {
            if (after.Length > 0 && string.CompareOrdinal(obj.Key, after) <= 0)
            {
                continue;
            }

            if (!labels.Matches(obj.Root) || !fields.Matches(obj.Root))
            {
                continue;
            }

            if (items.Count == limit)
            {
                next ??= ContinueToken.Encode(resourceVersion, items[^1].Key);
                remaining++;
                continue;
            }

            items.Add(obj);
        }

        if (WantsTable(context.Request))
        {
            var table = TableRenderer.Render(type, items.Select(i => Served(type, i)), resourceVersion, next, IncludeObject(context.Request), _options.TimeProvider.GetUtcNow());
            await WriteJsonAsync(context, 200, table).ConfigureAwait(false);
            return;
        }

        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{{\"kind\":\"{type.Kind}List\",\"apiVersion\":\"{type.ApiVersion}\",\"metadata\":{{\"resourceVersion\":\"{resourceVersion}\"");
        if (next is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $",\"continue\":\"{next}\",\"remainingItemCount\":{remaining}");
        }

        head.Append("},\"items\":[");
        // Stream the stored JSON of each item straight into the response: no list-sized buffer.
        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonContentType;
        var writer = context.Response.BodyWriter;
        writer.Write(Encoding.UTF8.GetBytes(head.ToString()));
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                writer.Write(Comma);
            }

            writer.Write(ServedBytes(type, items[i]));
            if (writer.UnflushedBytes > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }

        writer.Write("]}"u8);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceType type, ResourceType storeType, string? ns, bool dryRun)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var (all, _) = _store.List(type, ns);
        var deleted = new JsonArray();
        foreach (var obj in all)
        {
            if (labels.Matches(obj.Root) && fields.Matches(obj.Root))
            {
                try
                {
                    deleted.Add(Served(type, _store.Delete(storeType, obj.Namespace, obj.Name, null, null, dryRun)));
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    // Deleted meanwhile.
                }
            }
        }

        var list = new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _store.CurrentVersion.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
        await WriteJsonAsync(context, 200, list).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, ResourceType type, ApiPath target)
    {
        var query = context.Request.Query;
        var fieldText = query["fieldSelector"].ToString();
        if (target.Name is not null)
        {
            fieldText = string.IsNullOrEmpty(fieldText) ? $"metadata.name={target.Name}" : $"{fieldText},metadata.name={target.Name}";
        }

        var watcher = new Watcher(
            type.StorageKey,
            target.Namespace,
            LabelSelector.Parse(query["labelSelector"]),
            FieldSelector.Parse(fieldText),
            query["allowWatchBookmarks"] is ["true" or "1"]);
        var timeout = query["timeoutSeconds"] is [{ } seconds] && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : _options.DefaultWatchTimeout;
        var table = WantsTable(context.Request);
        var includeObject = IncludeObject(context.Request);
        _store.Watch(watcher, type, query["resourceVersion"]);
        try
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = JsonContentType;
            response.Headers.CacheControl = "no-cache, private";
            await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            using var timeoutSource = new CancellationTokenSource(timeout, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeoutSource.Token);
            var firstTable = true;
            var reader = watcher.Reader;
            try
            {
                while (await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    var writer = response.BodyWriter;
                    while (reader.TryRead(out var item))
                    {
                        if (!table && item.Object is { } obj && SameVersion(type, obj))
                        {
                            // The common case writes the shared bytes of the stored object: nothing per watcher.
                            writer.Write(EventPrefix(item.Type));
                            writer.Write(obj.Utf8);
                            writer.Write("}\n"u8);
                        }
                        else
                        {
                            writer.Write(table && item.Object is not null
                                ? TableLine(type, item, includeObject, ref firstTable)
                                : Line(type, item));
                        }
                    }

                    await writer.FlushAsync(linked.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // timeoutSeconds elapsed: end the stream normally.
            }
        }
        finally
        {
            _store.Unwatch(watcher);
        }
    }

    private static byte[] Line(ResourceType type, WatchItem item)
    {
        if (item.Object is { } obj)
        {
            return Encode(item.Type, Served(type, obj));
        }

        if (item.Error is { } error)
        {
            return Encode("ERROR", error.ToStatus());
        }

        return Encode("BOOKMARK", new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = item.BookmarkVersion.ToString(CultureInfo.InvariantCulture) },
        });
    }

    private byte[] TableLine(ResourceType type, WatchItem item, string includeObject, ref bool first)
    {
        var table = TableRenderer.Render(type, [Served(type, item.Object!)], item.Object!.ResourceVersion, null, includeObject, _options.TimeProvider.GetUtcNow(), first);
        first = false;
        return Encode(item.Type, table);
    }

    private static ReadOnlySpan<byte> EventPrefix(string type) => type switch
    {
        "ADDED" => """{"type":"ADDED","object":"""u8,
        "MODIFIED" => """{"type":"MODIFIED","object":"""u8,
        _ => """{"type":"DELETED","object":"""u8,
    };

    private static byte[] Encode(string type, JsonObject obj) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString(Json.Options) + "\n");

    private static bool SameVersion(ResourceType type, StoredObject obj) => obj.ApiVersion == type.ApiVersion;

    private static JsonObject Served(ResourceType type, StoredObject obj)
    {
        if (SameVersion(type, obj))
        {
            return obj.CloneNode();
        }

        if (EventConversion.Applies(type))
        {
            return EventConversion.FromCore(obj.CloneNode(), type.ApiVersion);
        }

        var copy = obj.CloneNode();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    private static byte[] ServedBytes(ResourceType type, StoredObject obj) =>
        SameVersion(type, obj) ? obj.Utf8 : Encoding.UTF8.GetBytes(Served(type, obj).ToJsonString(Json.Options));

    private async Task WriteObjectAsync(HttpContext context, int status, ResourceType type, StoredObject obj)
    {
        if (WantsTable(context.Request))
        {
            var table = TableRenderer.Render(type, [Served(type, obj)], obj.ResourceVersion, null, IncludeObject(context.Request), _options.TimeProvider.GetUtcNow());
            await WriteJsonAsync(context, status, table).ConfigureAwait(false);
            return;
        }

        var bytes = ServedBytes(type, obj);
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Json.Options));
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static bool WantsTable(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string IncludeObject(HttpRequest request) =>
        request.Query["includeObject"] is [{ } value] ? value : "Metadata";

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path}{Query}")]
    private static partial void LogRequest(ILogger logger, string method, string path, string query);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception error);

    private static string? NameFromFieldSelector(string selector)
    {
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var value = term.StartsWith("metadata.name==", StringComparison.Ordinal) ? term["metadata.name==".Length..]
                : term.StartsWith("metadata.name=", StringComparison.Ordinal) ? term["metadata.name=".Length..]
                : null;
            if (value is { Length: > 0 })
            {
                return value;
            }
        }

        return null;
    }
}
