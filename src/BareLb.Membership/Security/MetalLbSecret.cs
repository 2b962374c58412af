using System.Security.Cryptography;

namespace BareLb.Membership.Security;

/// <summary>
/// The memberlist key that MetalLB's speaker derives from its <c>memberlist</c> Secret
/// (key <c>secretkey</c>, mounted as a file; <c>internal/speakerlist</c> <c>New</c>): it calls
/// <c>sha256.New().Sum([]byte(secret))[:32]</c>. Go's <c>Sum(b)</c> appends the digest of what was
/// written (nothing) to <c>b</c>, so the key is the secret's bytes followed by SHA-256 of the empty
/// string, cut to 32 bytes: a secret of 32 bytes or more is its own first 32 bytes, a shorter one
/// is padded with the start of e3b0c442.... The file is used as it is, trailing newline included.
/// </summary>
public static class MetalLbSecret
{
    /// <summary>The name of the Secret's key, and of the file it is mounted as.</summary>
    public const string FileName = "secretkey";

    /// <summary>The 32-byte key MetalLB derives from <paramref name="secret"/>.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> secret)
    {
        var key = new byte[32];
        var fromSecret = Math.Min(secret.Length, key.Length);
        secret[..fromSecret].CopyTo(key);
        if (fromSecret < key.Length)
        {
            Span<byte> empty = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(ReadOnlySpan<byte>.Empty, empty);
            empty[..(key.Length - fromSecret)].CopyTo(key.AsSpan(fromSecret));
        }

        return key;
    }

    /// <summary>
    /// Reads the secret from <paramref name="path"/> (a file, or a directory holding <c>secretkey</c>,
    /// as MetalLB's <c>--ml-secret-key-path</c>) and derives the key.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read; the message names it.</exception>
    public static byte[] ReadKey(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        try
        {
            return DeriveKey(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot read the memberlist secret file {file}: {e.Message}", e);
        }
    }
}
