namespace BareLb.Membership.Tests.Support;

/// <summary>The agent's <c>-vectors</c> output: encodings made by Go's go-msgpack, compress/lzw, crypto/sha256 and crypto/aes.</summary>
internal static class GoVectors
{
    private static readonly Lazy<IReadOnlyList<string[]>> Lines = new(() =>
        [.. GoAgent.Run("-vectors").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => l.Split(' '))]);

    /// <summary>The bytes of the vector named <paramref name="name"/>.</summary>
    public static byte[] Get(string name) => Convert.FromHexString(All(name).Single()[1]);

    /// <summary>Every line whose first field is <paramref name="name"/>.</summary>
    public static IEnumerable<string[]> All(string name) => Lines.Value.Where(l => l[0] == name);
}
