using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BareLb.Core.Addresses;

namespace BareLb.Kube.Configuration;

/// <summary>The small value syntaxes of BGP settings: Go durations, community values, addresses.</summary>
internal static partial class BgpValueSyntax
{
    /// <summary>Parses a Go duration ("90s", "1m30s", "1.5h", "0"); null with a reason when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text, out string? error)
    {
        error = null;
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            error = $"\"{text}\" is not a duration: write a number with a unit, e.g. \"90s\", \"3m\" or \"1m30s\"";
            return null;
        }

        double ticks = 0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unitStart = part.Value.IndexOfAny(['n', 'u', 'µ', 'm', 's', 'h']);
            var number = double.Parse(part.Value.AsSpan(0, unitStart), NumberStyles.Float, CultureInfo.InvariantCulture);
            ticks += number * part.Value[unitStart..] switch
            {
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether the text is a community value: "high:low" (16 bits each) or "large:global:local1:local2" (32 bits each).</summary>
    /// <param name="text">The value.</param>
    /// <param name="error">Why it is not one.</param>
    /// <param name="legacyOnly">Only "high:low", as MetalLB v0.12's ConfigMap took.</param>
    public static bool IsCommunityValue(string? text, out string? error, bool legacyOnly = false)
    {
        error = null;
        text ??= "";
        var parts = text.Split(':');
        if (parts.Length == 2 && parts.All(p => ushort.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return true;
        }

        if (legacyOnly)
        {
            error = $"\"{text}\" is not a community: write \"high:low\" with two 16-bit numbers (the legacy ConfigMap has no large communities; convert to metallb.io objects for those)";
            return false;
        }

        if (parts.Length == 4 && parts[0] == "large" && parts.Skip(1).All(p => uint.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return true;
        }

        error = $"\"{text}\" is not a community: write \"high:low\" with two 16-bit numbers, or \"large:global:local1:local2\" with three 32-bit numbers";
        return false;
    }

    /// <summary>
    /// Whether the text is a plain IP address, read strictly by Core's one parser as Go's net.ParseIP does: IPv4 as
    /// four decimal parts without leading zeros (never "10.1" or "0x7f.1"), no prefix, no zone, no spaces.
    /// </summary>
    public static bool IsAddress(string text, AddressFamily? family = null) =>
        IPAddr.TryParse(text, out var address)
        && (family is null || address.Family == (family == AddressFamily.InterNetwork ? IPFamily.IPv4 : IPFamily.IPv6));

    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex DurationPattern();
}
