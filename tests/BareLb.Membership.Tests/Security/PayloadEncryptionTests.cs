using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Security;

public sealed class PayloadEncryptionTests
{
    private static readonly byte[] Key = "0123456789abcdef"u8.ToArray();
    private static readonly byte[] Nonce = "twelve-bytes"u8.ToArray();

    [Theory]
    [InlineData(0, "gcm0", "")]
    [InlineData(1, "gcm1", "label")]
    public void EncryptMatchesGoCryptoAesGcmInMemberlistsLayout(byte version, string vector, string additional)
    {
        var data = System.Text.Encoding.ASCII.GetBytes(additional);
        var ours = PayloadEncryption.Encrypt(version, Key, "hello memberlist"u8, data, Nonce);
        Assert.Equal(Convert.ToHexStringLower(GoVectors.Get(vector)), Convert.ToHexStringLower(ours));
        Assert.Equal(PayloadEncryption.Result.Ok, PayloadEncryption.TryDecrypt(new Keyring([Key]), GoVectors.Get(vector), data, out var plain));
        Assert.Equal("hello memberlist"u8.ToArray(), plain);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 24)]
    [InlineData(1, 32)]
    [InlineData(0, 32)]
    public void DecryptTriesEveryKeyAndInvertsEncrypt(byte version, int keySize)
    {
        var primary = Enumerable.Range(1, keySize).Select(i => (byte)i).ToArray();
        var old = Enumerable.Range(100, keySize).Select(i => (byte)i).ToArray();
        for (var length = 0; length < 40; length++)
        {
            var message = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
            var sealedMessage = PayloadEncryption.Encrypt(version, old, message, "x"u8);
            Assert.Equal(PayloadEncryption.EncryptedLength(version, length), sealedMessage.Length);
            Assert.Equal(PayloadEncryption.Result.Ok, PayloadEncryption.TryDecrypt(new Keyring([primary, old]), sealedMessage, "x"u8, out var plain));
            Assert.Equal(message, plain);
        }
    }

    [Fact]
    public void DecryptWithWrongKeyOrAdditionalDataFails()
    {
        var sealedMessage = PayloadEncryption.Encrypt(1, Key, "hi"u8, "a"u8);
        Assert.Equal(PayloadEncryption.Result.NoKeyOpens, PayloadEncryption.TryDecrypt(new Keyring([new byte[16]]), sealedMessage, "a"u8, out _));
        Assert.Equal(PayloadEncryption.Result.NoKeyOpens, PayloadEncryption.TryDecrypt(new Keyring([Key]), sealedMessage, "b"u8, out _));
    }

    [Fact]
    public void DecryptOfShortEmptyOrUnknownVersionFailsWithoutThrowing()
    {
        var keyring = new Keyring([Key]);
        Assert.Equal(PayloadEncryption.Result.Empty, PayloadEncryption.TryDecrypt(keyring, [], [], out _));
        Assert.Equal(PayloadEncryption.Result.UnsupportedVersion, PayloadEncryption.TryDecrypt(keyring, new byte[40].Select(_ => (byte)2).ToArray(), [], out _));
        Assert.Equal(PayloadEncryption.Result.TooShort, PayloadEncryption.TryDecrypt(keyring, new byte[28], [], out _));
        Assert.Equal(PayloadEncryption.Result.TooShort, PayloadEncryption.TryDecrypt(keyring, new byte[44], [], out _));
    }

    [Fact]
    public void KeyringRefusesKeysOfOtherSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Keyring([new byte[16], new byte[20]]));
        Assert.Contains("Key 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Keyring([]));
    }
}
