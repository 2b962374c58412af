using System.Globalization;
using System.Text;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Http;

/// <summary>The opaque <c>continue</c> token of a paged list: the resourceVersion of the first page and the last key served.</summary>
internal static class ContinueToken
{
    public static string Encode(long resourceVersion, string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{resourceVersion}|{lastKey}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (long ResourceVersion, string LastKey) Decode(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return (long.Parse(text[..bar], NumberStyles.None, CultureInfo.InvariantCulture), text[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw ApiException.BadRequest($"invalid continue token: {e.Message}");
        }
    }
}
