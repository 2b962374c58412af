namespace BareLb.Core.Selectors;

/// <summary>Kubernetes' syntax for label keys and values, and for DNS-1123 names.</summary>
public static class LabelSyntax
{
    /// <summary>Checks a label key ("prefix/name" or "name"); returns why it is invalid, or null.</summary>
    public static string? CheckKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "a label key may not be empty";
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !IsDnsSubdomain(prefix))
            {
                return $"'{key}': the prefix before '/' must be a DNS subdomain of at most 253 characters";
            }
        }

        if (name.Length == 0 || name.Length > 63 || !IsQualifiedName(name))
        {
            return $"'{key}': the name must be 1 to 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        }

        return null;
    }

    /// <summary>Checks a label value; returns why it is invalid, or null.</summary>
    public static string? CheckValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value.Length <= 63 && IsQualifiedName(value)
            ? null
            : $"'{value}': a label value must be at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    }

    /// <summary>Checks a namespace or other DNS-1123 label name; returns why it is invalid, or null.</summary>
    public static string? CheckDnsLabel(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a name may not be empty";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return $"'{name}': a name may hold only lower-case letters, digits and '-'";
            }
        }

        return name.Length > 63 || name[0] == '-' || name[^1] == '-'
            ? $"'{name}': a name is at most 63 characters and starts and ends with a letter or digit"
            : null;
    }

    private static bool IsQualifiedName(string text)
    {
        if (!char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDnsSubdomain(string text)
    {
        foreach (var part in text.Split('.'))
        {
            if (CheckDnsLabel(part) is not null)
            {
                return false;
            }
        }

        return true;
    }
}
