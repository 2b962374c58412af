using System.Globalization;

namespace BareLb.Membership.Options;

/// <summary>Parses Go's <c>time.ParseDuration</c> format ("300ms", "1.5s", "1h2m"), as MetalLB's memberlist tuning file writes durations.</summary>
internal static class GoDuration
{
    /// <summary>Parses <paramref name="text"/>; false (with <paramref name="error"/> saying why) when it is not a Go duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = string.Empty;
        if (string.IsNullOrEmpty(text))
        {
            error = "is empty; expected a Go duration such as \"500ms\" or \"1s\"";
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = $"\"{text}\" has no number";
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"\"{text}\" is not a Go duration (a number is missing or malformed)";
                return false;
            }

            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            decimal scale = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "\u00b5s" or "\u03bcs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => 0m,
            };
            if (scale == 0m)
            {
                error = unitLength == 0
                    ? $"\"{text}\" has a number without a unit (ns, us, ms, s, m, h)"
                    : $"\"{text}\" has the unknown unit \"{s[..unitLength].ToString()}\" (ns, us, ms, s, m, h)";
                return false;
            }

            s = s[unitLength..];
            totalNanoseconds += number * scale;
            if (totalNanoseconds > long.MaxValue)
            {
                error = $"\"{text}\" is too long a duration";
                return false;
            }
        }

        var ticks = (long)(totalNanoseconds / 100m);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }
}
