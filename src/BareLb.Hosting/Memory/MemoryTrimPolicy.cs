namespace BareLb.Hosting.Memory;

/// <summary>
/// Decides, at each check, whether to compact the heap and return its free memory to the system: only once the
/// threshold has been allocated since the last trim, and then as soon as a check finds the process quiet (it
/// allocated less than a sixteenth of the threshold since the previous check: the burst is over), or once the
/// maximum wait has passed while it stays busy. So an idle process pays nothing, a burst is followed by one trim, and
/// a steadily busy one trims at most once per maximum wait.
/// </summary>
public sealed class MemoryTrimPolicy
{
    private readonly MemoryTrimOptions _options;
    private long _allocatedAtTrim;
    private long _allocatedAtCheck;
    private TimeSpan _sinceTrim;

    /// <summary>A policy that starts counting from <paramref name="allocated"/> bytes.</summary>
    public MemoryTrimPolicy(MemoryTrimOptions options, long allocated)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _allocatedAtTrim = _allocatedAtCheck = allocated;
    }

    /// <summary>One check, <see cref="MemoryTrimOptions.CheckInterval"/> after the previous: true when the caller should trim now.</summary>
    /// <param name="allocated">Bytes allocated since the process started (<see cref="GC.GetTotalAllocatedBytes(bool)"/>).</param>
    public bool Check(long allocated)
    {
        var sinceCheck = allocated - _allocatedAtCheck;
        _allocatedAtCheck = allocated;
        _sinceTrim += _options.CheckInterval;
        if (allocated - _allocatedAtTrim < _options.Threshold)
        {
            return false;
        }

        if (sinceCheck >= _options.Threshold / 16 && _sinceTrim < _options.MaximumWait)
        {
            return false;
        }

        _allocatedAtTrim = allocated;
        _sinceTrim = TimeSpan.Zero;
        return true;
    }
}
