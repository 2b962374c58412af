namespace BareLb.Membership.Protocol;

/// <summary>memberlist's scaling rules with the cluster size <c>n</c>.</summary>
internal static class ProtocolMath
{
    /// <summary>Above this many members the push-pull interval grows (memberlist's <c>pushPullScaleThreshold</c>).</summary>
    public const int PushPullScaleThreshold = 32;

    /// <summary>The minimum suspicion timeout: <c>mult * max(1, log10(n)) * interval</c>.</summary>
    public static TimeSpan SuspicionTimeout(int suspicionMult, int n, TimeSpan probeInterval)
    {
        var nodeScale = Math.Max(1.0, Math.Log10(Math.Max(1.0, n)));
        var scaled = (long)(nodeScale * 1000);
        return TimeSpan.FromTicks(suspicionMult * scaled * probeInterval.Ticks / 1000);
    }

    /// <summary>How many times a broadcast is sent: <c>mult * ceil(log10(n + 1))</c>.</summary>
    public static int RetransmitLimit(int retransmitMult, int n) => retransmitMult * (int)Math.Ceiling(Math.Log10(n + 1.0));

    /// <summary>The push-pull interval, multiplied by <c>ceil(log2(n) - log2(32)) + 1</c> above 32 members.</summary>
    public static TimeSpan PushPullScale(TimeSpan interval, int n)
    {
        if (n <= PushPullScaleThreshold)
        {
            return interval;
        }

        var multiplier = Math.Ceiling(Math.Log2(n) - Math.Log2(PushPullScaleThreshold)) + 1.0;
        return interval * multiplier;
    }
}
