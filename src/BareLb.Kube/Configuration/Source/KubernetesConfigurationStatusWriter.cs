using System.Collections.Concurrent;
using System.Net;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Text.Json.Nodes;
using BareLb.Kube.Client;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Configuration.Source;

/// <summary>
/// Writes configuration objects' status through KubernetesClient, as JSON merge patches on the status subresource.
/// A kind whose status this ServiceAccount may not write (403: MetalLB's own RBAC grants the controller no status
/// write on most kinds, and none before v0.15) is logged once and not tried again: status is informative, the
/// controller works without it.
/// </summary>
/// <param name="client">The client.</param>
/// <param name="logger">Where the forbidden kinds are logged, or null.</param>
internal sealed partial class KubernetesConfigurationStatusWriter(ApiConnection client, ILogger? logger = null) : IConfigurationStatusWriter
{
    private readonly ConcurrentDictionary<string, bool> _forbidden = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <inheritdoc/>
    public async Task<bool> WriteStatusAsync(string plural, string objectNamespace, string name, object status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_forbidden.ContainsKey(plural))
        {
            return false;
        }

        var body = new JsonObject { ["status"] = KubeJson.ToNode(status) }.ToJsonString();
        try
        {
            await new CustomObjects(client, MetalLbApi.VersionOf(plural), objectNamespace, plural).PatchAsync(name, body, status: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            if (_forbidden.TryAdd(plural, true))
            {
                StatusForbidden(_logger, plural, objectNamespace);
            }

            return false;
        }
    }

    [LoggerMessage(EventId = 222, Level = LogLevel.Warning, Message = "Writing {Plural}/status in {Namespace} is forbidden to this ServiceAccount (MetalLB's RBAC does not grant `patch` on it); their status is left unwritten")]
    private static partial void StatusForbidden(ILogger logger, string plural, string @namespace);
}
