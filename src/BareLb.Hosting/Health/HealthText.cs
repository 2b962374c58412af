using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Hosting.Health;

/// <summary>The plain-text answers of <c>/healthz</c> and <c>/readyz</c>.</summary>
public static class HealthText
{
    /// <summary>
    /// <c>ok</c> (or the healthy checks' own descriptions, joined with "; ") when every check is
    /// healthy; otherwise <paramref name="notPrefix"/> (<c>not ready</c>, <c>not healthy</c>) and
    /// each failing check's description, or its name when it has none.
    /// </summary>
    public static string Describe(HealthReport report, string notPrefix)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        if (report.Status == HealthStatus.Healthy)
        {
            foreach (var entry in report.Entries.Values)
            {
                if (!string.IsNullOrEmpty(entry.Description))
                {
                    text.Append(text.Length == 0 ? "" : "; ").Append(entry.Description);
                }
            }

            return text.Length == 0 ? "ok" : text.ToString();
        }

        text.Append(notPrefix).Append(": ");
        var first = true;
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status == HealthStatus.Healthy)
            {
                continue;
            }

            text.Append(first ? "" : "; ").Append(entry.Description ?? entry.Exception?.Message ?? name);
            first = false;
        }

        return text.ToString();
    }
}
