using System.Globalization;

namespace BareLb.Lab.Namespaces;

/// <summary>The names of labs: prefixes, random ids, and which names belong to dead processes.</summary>
public static class LabNames
{
    /// <summary>The prefix labs get unless they ask for another.</summary>
    public const string DefaultPrefix = "bll";

    /// <summary>Throws <see cref="LabException"/> unless the prefix is 1 to 8 lower-case letters or digits.</summary>
    /// <param name="prefix">The prefix.</param>
    public static void ValidatePrefix(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 8 || !prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')))
        {
            throw new LabException($"Lab options: Prefix '{prefix}' must be 1 to 8 lower-case letters or digits.");
        }
    }

    /// <summary>A new random lab id: 6 hexadecimal digits.</summary>
    public static string NewId() => Random.Shared.Next(0x1000000).ToString("x6", CultureInfo.InvariantCulture);

    /// <summary>The process id in a name of the form <c>PREFIX-PID-...</c>, or null when the name is not of that form.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="name">A namespace or directory name.</param>
    public static int? OwnerOf(string prefix, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split('-');
        return parts.Length >= 3 && parts[0] == prefix && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>Whether a name is of <paramref name="prefix"/> and its creating process no longer runs.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="name">A namespace or directory name.</param>
    public static bool IsLeftover(string prefix, string name)
        => OwnerOf(prefix, name) is { } pid && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
}
