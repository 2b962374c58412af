using System.Security.Cryptography;

namespace BareLb.Membership.Security;

/// <summary>
/// The AES keys of a memberlist cluster, as memberlist's keyring: the primary key encrypts what we
/// send, every key is tried to decrypt what we receive (so that keys can be rotated). Keys are
/// 16, 24 or 32 bytes (AES-128, AES-192, AES-256).
/// </summary>
public sealed class Keyring
{
    private readonly byte[][] _keys;
    private readonly AesGcm?[] _ciphers;

    /// <summary>Creates a keyring whose first key is the primary one.</summary>
    /// <exception cref="ArgumentException">No key, or a key that is not 16, 24 or 32 bytes long.</exception>
    public Keyring(IEnumerable<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = [.. keys.Select((key, index) => Validate(key, index))];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("A keyring needs at least one key.", nameof(keys));
        }

        _ciphers = new AesGcm?[_keys.Length];
    }

    /// <summary>The key that encrypts what we send.</summary>
    public ReadOnlyMemory<byte> PrimaryKey => _keys[0];

    /// <summary>All keys, the primary first; each is tried in turn to decrypt.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Keys => [.. _keys.Select(static k => (ReadOnlyMemory<byte>)k)];

    internal byte[][] KeyBytes => _keys;

    /// <summary>Held while using a <see cref="Cipher"/> (an <see cref="AesGcm"/> instance is not meant for concurrent use).</summary>
    internal Lock CipherGate { get; } = new();

    /// <summary>The AES-GCM cipher of key <paramref name="index"/>, made once; use it holding <see cref="CipherGate"/>.</summary>
    internal AesGcm Cipher(int index) => _ciphers[index] ??= new AesGcm(_keys[index], PayloadEncryption.TagSize);

    private static byte[] Validate(byte[] key, int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException($"Key {index} of the keyring is {key.Length} bytes long; memberlist keys are 16, 24 or 32 bytes (AES-128, -192, -256).", nameof(key));
        }

        return (byte[])key.Clone();
    }
}
