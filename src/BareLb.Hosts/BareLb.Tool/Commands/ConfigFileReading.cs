using System.Text;
using BareLb.Kube.Configuration;

namespace BareLb.Tool.Commands;

/// <summary>Reads the files named on a <c>barelb config</c> command line; "-" is standard input.</summary>
internal static class ConfigFileReading
{
    /// <summary>The file's text, or null with a one-line reason.</summary>
    public static async Task<(ConfigurationFile? File, string? Error)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var text = path == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync(path, new UTF8Encoding(false, throwOnInvalidBytes: true), cancellationToken).ConfigureAwait(false);
            return (new ConfigurationFile(path == "-" ? "<stdin>" : path, text), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException or NotSupportedException or ArgumentException)
        {
            var reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                DecoderFallbackException => "not a text file (invalid UTF-8)",
                _ => e.Message,
            };
            return (null, $"{path}: cannot read: {reason}");
        }
    }
}
