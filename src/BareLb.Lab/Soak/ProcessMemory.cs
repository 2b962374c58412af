using System.Globalization;

namespace BareLb.Lab.Soak;

/// <summary>A process's resident memory at the soak's start and end.</summary>
/// <param name="Name">The process's name in the cluster (<c>speaker-n1</c>, <c>controller</c>...).</param>
/// <param name="StartPid">Its pid at the start, or null when it did not run.</param>
/// <param name="StartBytes">Its resident memory then, or null.</param>
/// <param name="EndPid">Its pid at the end (another one when it was restarted), or null.</param>
/// <param name="EndBytes">Its resident memory then, or null.</param>
public sealed record ProcessMemory(string Name, int? StartPid, long? StartBytes, int? EndPid, long? EndBytes)
{
    /// <summary>The resident memory (<c>VmRSS</c>) of process <paramref name="pid"/>, or null when it is gone.</summary>
    public static long? Resident(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return ParseKilobytes(line["VmRSS:".Length..]) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Reads <c>"   123456 kB"</c>; null if it is not that.</summary>
    internal static long? ParseKilobytes(string text)
    {
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : null;
    }
}
