using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Controller;

/// <summary>The Service controller's log messages.</summary>
internal static partial class ServiceControllerLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Restored the addresses of {Restored} of {Total} Services before allocating anything new")]
    public static partial void Restored(ILogger logger, int restored, int total);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Reconciling Service {Service} failed; retrying in {Delay}")]
    public static partial void Failed(ILogger logger, string service, TimeSpan delay, Exception exception);
}
