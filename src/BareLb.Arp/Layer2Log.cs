using Microsoft.Extensions.Logging;

namespace BareLb.Arp;

/// <summary>The engine's log messages.</summary>
internal static partial class Layer2Log
{
    [LoggerMessage(1001, LogLevel.Information, "Listening for ARP and neighbor solicitations on {Interface} ({HardwareAddress})")]
    public static partial void InterfaceAdded(ILogger logger, string @interface, string hardwareAddress);

    [LoggerMessage(1002, LogLevel.Information, "Stopped listening on {Interface}")]
    public static partial void InterfaceRemoved(ILogger logger, string @interface);

    [LoggerMessage(1003, LogLevel.Information, "Announcing {Address} on {Interface}")]
    public static partial void Announcing(ILogger logger, string address, string @interface);

    [LoggerMessage(1004, LogLevel.Information, "Withdrew {Address} from {Interface}")]
    public static partial void Withdrew(ILogger logger, string address, string @interface);

    [LoggerMessage(1005, LogLevel.Warning, "Could not send an announcement for {Address} on {Interface}")]
    public static partial void AnnouncementFailed(ILogger logger, string address, string @interface);

    [LoggerMessage(1006, LogLevel.Error, "Receiving on {Interface} failed; retrying")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception, string @interface);

    [LoggerMessage(1011, LogLevel.Warning, "{Interface} is down; it answers again as soon as it is back up")]
    public static partial void InterfaceDown(ILogger logger, string @interface);

    [LoggerMessage(1012, LogLevel.Information, "{Interface} is up again")]
    public static partial void InterfaceUp(ILogger logger, string @interface);

    [LoggerMessage(1007, LogLevel.Warning, "The receive thread of {Interface} did not end within {Timeout}; closing its transport anyway")]
    public static partial void ReceiverDidNotStop(ILogger logger, string @interface, TimeSpan timeout);

    [LoggerMessage(1008, LogLevel.Critical, "Receiving on {Interface} failed in a way the engine cannot recover from; the interface no longer answers (Layer2Engine.Faults)")]
    public static partial void ReceiverFaulted(ILogger logger, Exception exception, string @interface);

    [LoggerMessage(1009, LogLevel.Error, "Answering a frame on {Interface} failed ({Count} so far, counted as reason \"failed\"); the receive thread goes on")]
    public static partial void FrameFailed(ILogger logger, Exception exception, string @interface, long count);

    [LoggerMessage(1010, LogLevel.Error, "Sending an announcement for {Address} on {Interface} failed; the schedule goes on")]
    public static partial void AnnouncementThrew(ILogger logger, Exception exception, string address, string @interface);
}
