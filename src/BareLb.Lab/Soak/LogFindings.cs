using System.Text.RegularExpressions;

namespace BareLb.Lab.Soak;

/// <summary>The warnings and errors in one process's output.</summary>
/// <param name="Process">The process (name and pid).</param>
/// <param name="Warnings">Lines logged at warning level.</param>
/// <param name="Errors">Lines logged at error or critical level, and unhandled exceptions.</param>
/// <param name="FirstLines">The first few of those lines, quoted in the report.</param>
public sealed partial record LogFindings(string Process, int Warnings, int Errors, IReadOnlyList<string> FirstLines)
{
    /// <summary>How many lines <see cref="Scan"/> keeps for quoting.</summary>
    public const int Quoted = 3;

    /// <summary>
    /// Counts the lines of .NET's single-line console format at warning (<c>warn:</c>) and error
    /// (<c>fail:</c>, <c>crit:</c>) level, and unhandled exceptions.
    /// </summary>
    /// <param name="process">The process's name for the report.</param>
    /// <param name="lines">Its output lines.</param>
    public static LogFindings Scan(string process, IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var warnings = 0;
        var errors = 0;
        var first = new List<string>();
        foreach (var line in lines)
        {
            var level = LevelOf(line);
            if (level == 0)
            {
                continue;
            }

            if (level == 1)
            {
                warnings++;
            }
            else
            {
                errors++;
            }

            if (first.Count < Quoted)
            {
                first.Add(line.Length > 300 ? line[..300] + "..." : line);
            }
        }

        return new LogFindings(process, warnings, errors, first);
    }

    /// <summary>0 for an ordinary line, 1 for a warning, 2 for an error.</summary>
    internal static int LevelOf(string line)
    {
        if (line.StartsWith("Unhandled exception", StringComparison.Ordinal))
        {
            return 2;
        }

        var level = Level().Match(line);
        return !level.Success ? 0 : level.Groups["level"].Value == "warn" ? 1 : 2;
    }

    // The single-line console format: an optional timestamp, then the level.
    [GeneratedRegex(@"^(?:\S+ )?(?<level>warn|fail|crit): ")]
    private static partial Regex Level();
}
