using System.Diagnostics;
using System.Globalization;

namespace BareLb.Membership.Detection;

/// <summary>Saturates CPUs with Debian's <c>stress-ng</c> (it only burns CPU; no network).</summary>
internal static class Stress
{
    public static Process Start(int cpus, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("stress-ng") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--cpu", cpus.ToString(CultureInfo.InvariantCulture), "--timeout", ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s", "--quiet" })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
