using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace BareLb.Hosting.Memory;

/// <summary>
/// When the host gives memory back to the system after a burst of work (see <see cref="MemoryTrimPolicy"/>): an idle
/// process allocates too little for the garbage collector to run, so the garbage of its last burst (a first list of
/// thousands of objects, a resync) would otherwise stay resident until the next burst.
/// </summary>
public sealed class MemoryTrimOptions
{
    /// <summary>Whether to trim at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often allocation is checked. Default 10 s; from 1 s to 10 minutes.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How much must have been allocated since the last trim before another one. Default 16 MiB; at least 1 MiB.</summary>
    public long Threshold { get; set; } = 16L << 20;

    /// <summary>How long a busy process may go between trims (while it allocates at least the threshold). Default 1 minute; at least <see cref="CheckInterval"/>.</summary>
    public TimeSpan MaximumWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks the options; returns every problem, each naming the setting, its value and the reason (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (CheckInterval < TimeSpan.FromSeconds(1) || CheckInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"MemoryTrim.CheckInterval {CheckInterval.TotalSeconds} s: expected from 1 s to 10 minutes");
        }

        if (Threshold < 1L << 20)
        {
            failures.Add($"MemoryTrim.Threshold {Threshold} bytes: expected at least 1 MiB");
        }

        if (MaximumWait < CheckInterval)
        {
            failures.Add($"MemoryTrim.MaximumWait {MaximumWait.TotalSeconds} s: expected at least the check interval ({CheckInterval.TotalSeconds} s)");
        }

        return failures;
    }
}

/// <summary>Checks <see cref="MemoryTrimOptions"/> at start.</summary>
[SuppressMessage("Performance", "CA1812", Justification = "Created by the options system.")]
internal sealed class MemoryTrimOptionsValidator : IValidateOptions<MemoryTrimOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryTrimOptions options) =>
        options.Validate() is { Count: > 0 } failures
            ? ValidateOptionsResult.Fail(failures)
            : ValidateOptionsResult.Success;
}
