using System.Globalization;

namespace BareLb.Tool.Lab.Printing;

/// <summary>
/// Draws what a client's probes saw around a failure as rows of characters, one per bucket of time:
/// <c>|</c> a reply arrived in it, <c>.</c> none. Buckets are 10 ms for a window up to 1.5 s and 20 ms
/// beyond (wider only when the window would need more than <see cref="MaxRows"/> rows); each row starts
/// with its offset from the moment of the failure, and a caret marks that moment.
/// </summary>
internal static class OutageTimeline
{
    /// <summary>Characters per row.</summary>
    public const int Width = 50;

    /// <summary>The most rows drawn; a longer window gets wider buckets.</summary>
    public const int MaxRows = 20;

    /// <summary>
    /// Renders a timeline whose characters are <paramref name="resolution"/> each (a <c>ProbeReport.Timeline</c>:
    /// <c>|</c> a reply, anything else none) and whose first character starts <paramref name="start"/> from the
    /// failure (negative when before it).
    /// </summary>
    /// <param name="timeline">One character per <paramref name="resolution"/>.</param>
    /// <param name="resolution">The time each character of <paramref name="timeline"/> covers.</param>
    /// <param name="start">The offset of the timeline's start from the failure.</param>
    /// <param name="failure">What happened at offset 0, named under the caret.</param>
    public static IReadOnlyList<string> Render(string timeline, TimeSpan resolution, TimeSpan start, string failure)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (resolution <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "the resolution must be positive");
        }

        var factor = timeline.Length * resolution <= TimeSpan.FromSeconds(1.5) ? 1 : Math.Max(2, (int)Math.Ceiling(timeline.Length / (double)(Width * MaxRows)));
        var bucket = resolution * factor;
        var buckets = new char[(timeline.Length + factor - 1) / factor];
        for (var i = 0; i < buckets.Length; i++)
        {
            var slice = timeline.AsSpan(i * factor, Math.Min(factor, timeline.Length - (i * factor)));
            buckets[i] = slice.Contains('|') ? '|' : '.';
        }

        var lines = new List<string> { $"1 char = {Milliseconds(bucket)} ms: | a reply arrived, . none" };
        var failureBucket = (int)Math.Floor(-start / bucket);
        for (var row = 0; row * Width < buckets.Length; row++)
        {
            var first = row * Width;
            var count = Math.Min(Width, buckets.Length - first);
            var label = $"{Milliseconds(start + (bucket * first)),7} ms ";
            lines.Add(label + new string(buckets, first, count));
            if (failureBucket >= first && failureBucket < first + count)
            {
                lines.Add(new string(' ', label.Length + failureBucket - first) + "^ " + failure);
            }
        }

        return lines;
    }

    private static string Milliseconds(TimeSpan value) => Math.Round(value.TotalMilliseconds).ToString("0", CultureInfo.InvariantCulture);
}
