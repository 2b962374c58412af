using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Informers;

/// <summary>The informer's log messages.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Informer {Kind}: listed {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string kind, int count, string resourceVersion);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Informer {Kind}: resourceVersion {ResourceVersion} is gone (410); listing again")]
    public static partial void Gone(ILogger logger, string kind, string resourceVersion);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Informer {Kind}: the watch was silent for {Timeout}; reconnecting")]
    public static partial void Silent(ILogger logger, string kind, TimeSpan timeout);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Informer {Kind}: {Operation} failed; retrying in {Delay}")]
    public static partial void Failed(ILogger logger, string kind, string operation, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Informer {Kind}: a subscriber failed on {Change} {Key}; the other subscribers still see it")]
    public static partial void SubscriberFailed(ILogger logger, string kind, string change, string key, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Informer {Kind}: the continue token expired after {Listed} objects (410); listing everything at once")]
    public static partial void ContinueExpired(ILogger logger, string kind, int listed);
}
