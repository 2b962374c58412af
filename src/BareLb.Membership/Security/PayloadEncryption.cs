using System.Buffers.Binary;
using System.Security.Cryptography;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Security;

/// <summary>
/// memberlist's encryption (security.go): a version byte, a 12-byte random nonce, then AES-GCM's
/// ciphertext and 16-byte tag. Version 0 pads the plain text with PKCS#7 to 16 bytes first;
/// version 1 (memberlist's default from protocol 2 on) does not pad. Packets use the label as
/// additional data; streams are framed as the type byte 10, a big-endian length, then the
/// encrypted payload, with those five bytes followed by the label as additional data.
/// </summary>
internal static class PayloadEncryption
{
    public const int VersionSize = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int BlockSize = 16;
    public const byte MaxVersion = 1;

    /// <summary>The length of <paramref name="plainLength"/> bytes once encrypted (memberlist's <c>encryptedLength</c>).</summary>
    public static int EncryptedLength(byte version, int plainLength)
        => version >= 1
            ? VersionSize + NonceSize + plainLength + TagSize
            : VersionSize + NonceSize + plainLength + (BlockSize - (plainLength % BlockSize)) + TagSize;

    /// <summary>Encrypts with a fresh random nonce.</summary>
    public static byte[] Encrypt(byte version, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData)
    {
        var output = new byte[EncryptedLength(version, message.Length)];
        EncryptTo(version, key, message, additionalData, output);
        return output;
    }

    /// <summary>Encrypts into <paramref name="output"/> with a fresh random nonce (see the overload with a nonce); returns the length written.</summary>
    public static int EncryptTo(byte version, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return EncryptTo(version, key, message, additionalData, nonce, output);
    }

    /// <summary>Encrypts with the given nonce (tests; never reuse a nonce with a key).</summary>
    public static byte[] Encrypt(byte version, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, ReadOnlySpan<byte> nonce)
    {
        var output = new byte[EncryptedLength(version, message.Length)];
        EncryptTo(version, key, message, additionalData, nonce, output);
        return output;
    }

    /// <summary>
    /// Encrypts into <paramref name="output"/> (at least <see cref="EncryptedLength"/> bytes; <paramref name="message"/>
    /// may lie where the ciphertext goes, at <see cref="VersionSize"/> + <see cref="NonceSize"/>); returns the length written.
    /// </summary>
    public static int EncryptTo(byte version, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, ReadOnlySpan<byte> nonce, Span<byte> output)
    {
        using var gcm = new AesGcm(key, TagSize);
        return EncryptTo(version, gcm, message, additionalData, nonce, output);
    }

    /// <summary>Encrypts into <paramref name="output"/> with the keyring's primary key, its cipher kept, and a fresh random nonce; returns the length written.</summary>
    public static int EncryptTo(byte version, Keyring keyring, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        lock (keyring.CipherGate)
        {
            return EncryptTo(version, keyring.Cipher(0), message, additionalData, nonce, output);
        }
    }

    private static int EncryptTo(byte version, AesGcm gcm, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, ReadOnlySpan<byte> nonce, Span<byte> output)
    {
        if (version > MaxVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "memberlist knows encryption versions 0 and 1.");
        }

        var length = EncryptedLength(version, message.Length);
        var body = output.Slice(VersionSize + NonceSize, length - VersionSize - NonceSize - TagSize);
        message.CopyTo(body);
        if (version == 0)
        {
            body[message.Length..].Fill((byte)(body.Length - message.Length));
        }

        output[0] = version;
        nonce.CopyTo(output.Slice(VersionSize, NonceSize));
        gcm.Encrypt(nonce, body, body, output.Slice(length - TagSize, TagSize), additionalData);
        return length;
    }

    /// <summary>The outcome of a decryption.</summary>
    public enum Result
    {
        Ok,
        Empty,
        UnsupportedVersion,
        TooShort,
        NoKeyOpens,
        BadPadding,
    }

    /// <summary>Decrypts with each key in turn (memberlist's <c>decryptPayload</c>); never throws on bad input.</summary>
    public static Result TryDecrypt(Keyring keyring, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, out byte[] plain)
    {
        plain = [];
        var output = new byte[Math.Max(0, message.Length - EncryptedLength(1, 0))];
        var result = TryDecrypt(keyring, message, additionalData, output, out var length);
        if (result == Result.Ok)
        {
            plain = length == output.Length ? output : output.AsSpan(0, length).ToArray();
        }

        return result;
    }

    /// <summary>
    /// Decrypts into the first <paramref name="length"/> bytes of <paramref name="output"/> (at least the message's length
    /// less <see cref="VersionSize"/>, <see cref="NonceSize"/> and <see cref="TagSize"/>) with each key in turn, their
    /// ciphers kept by the keyring; never throws on bad input.
    /// </summary>
    public static Result TryDecrypt(Keyring keyring, ReadOnlySpan<byte> message, ReadOnlySpan<byte> additionalData, Span<byte> output, out int length)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        length = 0;
        if (message.IsEmpty)
        {
            return Result.Empty;
        }

        var version = message[0];
        if (version > MaxVersion)
        {
            return Result.UnsupportedVersion;
        }

        if (message.Length < EncryptedLength(version, 0))
        {
            return Result.TooShort;
        }

        var nonce = message.Slice(VersionSize, NonceSize);
        var ciphertext = message[(VersionSize + NonceSize)..^TagSize];
        var tag = message[^TagSize..];
        var plain = output[..ciphertext.Length];
        for (var key = 0; key < keyring.KeyBytes.Length; key++)
        {
            try
            {
                lock (keyring.CipherGate)
                {
                    keyring.Cipher(key).Decrypt(nonce, ciphertext, tag, plain, additionalData);
                }
            }
            catch (AuthenticationTagMismatchException)
            {
                continue;
            }

            if (version == 0)
            {
                // memberlist's pkcs7decode cuts as many bytes as the last one says.
                var pad = plain.Length == 0 ? 0 : plain[^1];
                if (plain.Length == 0 || pad > plain.Length)
                {
                    return Result.BadPadding;
                }

                length = plain.Length - pad;
                return Result.Ok;
            }

            length = plain.Length;
            return Result.Ok;
        }

        return Result.NoKeyOpens;
    }

    /// <summary>A stream's encrypted frame: the type byte 10, the payload's big-endian length, the payload (additional data: those five bytes and the label).</summary>
    public static byte[] EncryptStream(byte version, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> label)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = (byte)MessageType.Encrypt;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)EncryptedLength(version, message.Length));
        var additional = StreamAdditionalData(header, label);
        var payload = Encrypt(version, key, message, additional);
        var frame = new byte[5 + payload.Length];
        header.CopyTo(frame);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    /// <summary>The additional data of a stream frame: its five header bytes, then the label.</summary>
    public static byte[] StreamAdditionalData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> label)
    {
        var data = new byte[header.Length + label.Length];
        header.CopyTo(data);
        label.CopyTo(data.AsSpan(header.Length));
        return data;
    }
}
