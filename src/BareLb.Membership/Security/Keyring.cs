namespace BareLb.Membership.Security;

/// <summary>
/// The AES keys of a memberlist cluster, as memberlist's keyring: the primary key encrypts what we
/// send, every key is tried to decrypt what we receive (so that keys can be rotated). Keys are
/// 16, 24 or 32 bytes (AES-128, AES-192, AES-256).
/// </summary>
public sealed class Keyring
{
    private readonly byte[][] _keys;

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
    }

    /// <summary>The key that encrypts what we send.</summary>
    public ReadOnlyMemory<byte> PrimaryKey => _keys[0];

    /// <summary>All keys, the primary first; each is tried in turn to decrypt.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Keys => [.. _keys.Select(static k => (ReadOnlyMemory<byte>)k)];

    internal byte[][] KeyBytes => _keys;

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
