using BareLb.Core.Addresses;
using BareLb.Core.Election;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Speaker;

/// <summary>The speaker controller's log lines (event ids 400 to 499), in MetalLB's words where it has some.</summary>
internal static partial class SpeakerLog
{
    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Service {Service} has IP, announcing from node {Node} ({Addresses}) with protocol layer2")]
    public static partial void Announced(ILogger logger, string service, string node, IEnumerable<IPAddr> addresses);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Withdrawing service announcement of {Service} ({Addresses}): {Reason}, {Detail}")]
    private static partial void Withdrawn(ILogger logger, string service, IEnumerable<IPAddr> addresses, string reason, string detail);

    /// <summary>A Service stops being announced here, with MetalLB's reason string.</summary>
    public static void Withdrawn(ILogger logger, string service, IEnumerable<IPAddr> addresses, Layer2Reason reason, string detail)
    {
        var name = Layer2ReasonNames.Of(reason);
        Withdrawn(logger, service, addresses, name, detail);
    }

    /// <summary>A Service announced here is gone, or no longer handled (MetalLB's reason serviceDeleted).</summary>
    public static void Deleted(ILogger logger, string service, IEnumerable<IPAddr> addresses) =>
        Withdrawn(logger, service, addresses, "serviceDeleted", "the Service is gone or no longer handled here");

    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "The announcer refused the desired set ({Count} addresses); trying again in {Delay}")]
    public static partial void SinkFailed(ILogger logger, int count, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 414, Level = LogLevel.Information, Message = "Speaker(s) {Nodes} joined or came back: announcing the {Count} address(es) held here again, so that neighbours that followed them while the cluster was split come back")]
    public static partial void Reannouncing(ILogger logger, IEnumerable<string> nodes, int count);

    [LoggerMessage(EventId = 416, Level = LogLevel.Warning, Message = "Speaker(s) {Nodes} claimed address(es) this node still announces (the membership is split, the API server shows this node alive): announcing the {Count} address(es) held here again, so that neighbours come back")]
    public static partial void ReannouncingOverCompetitors(ILogger logger, IEnumerable<string> nodes, int count);

    [LoggerMessage(EventId = 415, Level = LogLevel.Error, Message = "The announcer failed to announce again what it holds")]
    public static partial void ReannounceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 404, Level = LogLevel.Error, Message = "Deciding failed; trying again in {Delay}")]
    public static partial void DecideFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Configuration {Severity}: {Problem}")]
    public static partial void ConfigurationProblem(ILogger logger, string severity, string problem);

    /// <summary>An invalid configuration is an error; none at all (a fresh installation) a warning.</summary>
    [LoggerMessage(EventId = 406, Message = "{What}; in force: {InForce}")]
    public static partial void KeepingConfiguration(ILogger logger, LogLevel level, string what, string inForce);

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "Split brain: the membership does not show {Nodes} alive, but their ServiceL2Status objects keep changing through the API server; counting them as live speakers")]
    public static partial void CountingThroughApi(ILogger logger, IEnumerable<string> nodes);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Split brain: no node is counted through the API server any more")]
    public static partial void NoLongerCountingThroughApi(ILogger logger);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "kube-proxy ConfigMap {Namespace}/{Name}: {Problem}")]
    public static partial void StrictArp(ILogger logger, string @namespace, string name, string problem);

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "Recording an event failed: {Reason} on {Object}")]
    public static partial void EventFailed(ILogger logger, string reason, string @object, Exception exception);

    [LoggerMessage(EventId = 411, Level = LogLevel.Information, Message = "Handing over: announcements frozen, waiting for successors of {Count} Services")]
    public static partial void HandingOver(ILogger logger, int count);

    [LoggerMessage(EventId = 412, Level = LogLevel.Information, Message = "Caches synced; speaker for node {Node} ready ({Count} addresses announced)")]
    public static partial void Ready(ILogger logger, string node, int count);

    [LoggerMessage(EventId = 413, Level = LogLevel.Warning, Message = "Renewing ServiceL2Status failed")]
    public static partial void RenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 417, Level = LogLevel.Warning, Message = "Not announcing {Service} ({Addresses}): {Detail}; an announceFailed event is on the Service")]
    public static partial void InterfacesMissing(ILogger logger, string service, IEnumerable<IPAddr> addresses, string detail);

    [LoggerMessage(EventId = 418, Level = LogLevel.Warning, Message = "Listing this node's interfaces failed; advertisements' interfaces are not checked this time")]
    public static partial void InterfacesUnknown(ILogger logger, Exception exception);
}
