using System.Net;
using BareLb.Membership.Options;
using Microsoft.Extensions.Logging;

namespace BareLb.Membership.Protocol;

/// <summary>The state machine's log messages.</summary>
internal sealed partial class MembershipProtocol
{
    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Information, "Member {Name} joined at {EndPoint} (incarnation {Incarnation})")]
        public static partial void MemberJoined(ILogger logger, string name, IPEndPoint endPoint, uint incarnation);

        [LoggerMessage(1102, LogLevel.Information, "Member {Name} is suspect (reported by {From}, incarnation {Incarnation}); dead in {Timeout} unless it refutes")]
        public static partial void MemberSuspect(ILogger logger, string name, string from, uint incarnation, TimeSpan timeout);

        [LoggerMessage(1103, LogLevel.Information, "Member {Name} is alive again (incarnation {Incarnation})")]
        public static partial void SuspicionCleared(ILogger logger, string name, uint incarnation);

        [LoggerMessage(1104, LogLevel.Information, "Marking {Name} as failed: suspicion timed out with {Confirmations} of {Expected} confirmations")]
        public static partial void SuspicionTimedOut(ILogger logger, string name, int confirmations, int expected);

        [LoggerMessage(1105, LogLevel.Warning, "Member {Name} is dead (declared by {From})")]
        public static partial void MemberDead(ILogger logger, string name, string from);

        [LoggerMessage(1106, LogLevel.Information, "Member {Name} left")]
        public static partial void MemberLeft(ILogger logger, string name);

        [LoggerMessage(1107, LogLevel.Warning, "Refuting a suspicion from {From}")]
        public static partial void RefutingSuspect(ILogger logger, string from);

        [LoggerMessage(1108, LogLevel.Warning, "Refuting a death notice from {From}")]
        public static partial void RefutingDead(ILogger logger, string from);

        [LoggerMessage(1109, LogLevel.Warning, "Refuting an alive message about ourselves ({Name}, incarnation {Incarnation}) that differs from our state")]
        public static partial void RefutingAlive(ILogger logger, string name, uint incarnation);

        [LoggerMessage(1110, LogLevel.Debug, "Probe of {Name} timed out; probing indirectly")]
        public static partial void ProbeTimedOut(ILogger logger, string name);

        [LoggerMessage(1111, LogLevel.Information, "Probe of {Name} failed ({Nacks} of {Expected} nacks); suspecting it")]
        public static partial void ProbeFailed(ILogger logger, string name, int nacks, int expected);

        [LoggerMessage(1112, LogLevel.Warning, "Member {Name} answered over TCP only: UDP on the membership port may be blocked")]
        public static partial void OnlyTcpAnswered(ILogger logger, string name);

        [LoggerMessage(1113, LogLevel.Warning, "Ignoring an alive message for {Name}: its protocol versions are invalid")]
        public static partial void BadVersion(ILogger logger, string name);

        [LoggerMessage(1114, LogLevel.Error, "Conflicting address for {Name}: known at {Known}, claimed at {Address}:{Port} while {Status}")]
        public static partial void AddressConflict(ILogger logger, string name, IPEndPoint known, System.Net.IPAddress address, ushort port, MemberStatus status);

        [LoggerMessage(1115, LogLevel.Information, "Member {Name} moved from {Known} to {Address}:{Port}")]
        public static partial void AddressUpdated(ILogger logger, string name, IPEndPoint known, System.Net.IPAddress address, ushort port);

        [LoggerMessage(1116, LogLevel.Warning, "Got a ping for member {Node}, but this is {Self}")]
        public static partial void PingForOtherNode(ILogger logger, string node, string self);

        [LoggerMessage(1117, LogLevel.Debug, "Ignoring an unexpected {Type} message from {From}")]
        public static partial void UnexpectedMessage(ILogger logger, string type, IPEndPoint from);

        [LoggerMessage(1118, LogLevel.Warning, "Refusing the state pushed by {From}: {Reason}")]
        public static partial void PushPullRefused(ILogger logger, IPEndPoint from, string reason);

        [LoggerMessage(1119, LogLevel.Information, "Joined through {To}: {Count} members in its state")]
        public static partial void Joined(ILogger logger, IPEndPoint to, int count);

        [LoggerMessage(1120, LogLevel.Debug, "Push-pull with {To} (join: {Join}) failed: {Reason}")]
        public static partial void PushPullFailed(ILogger logger, IPEndPoint to, bool join, string reason);

        [LoggerMessage(1121, LogLevel.Information, "Member {Name} has gossiped its leave")]
        public static partial void LeaveFinished(ILogger logger, string name);

        [LoggerMessage(1122, LogLevel.Information, "Probing at the {Pace} pace: one probe every {IntervalMs} ms")]
        public static partial void PaceChanged(ILogger logger, DetectionPace pace, double intervalMs);
    }
}
