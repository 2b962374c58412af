using BareLb.Membership.Security;

namespace BareLb.Membership.Codec;

/// <summary>
/// How packets and streams are framed, as memberlist's configuration sets it: the keyring
/// (null: no encryption), the label, compression, and whether encryption is required on what
/// comes in and applied to what goes out (memberlist's <c>GossipVerifyIncoming</c> and
/// <c>GossipVerifyOutgoing</c>, both on by default; off only while rolling encryption out).
/// </summary>
internal sealed record WireSettings
{
    /// <summary>memberlist's default: no key, no label, compression on, version 1 encryption.</summary>
    public static readonly WireSettings Default = new();

    private readonly string _label = string.Empty;

    /// <summary>The keys; null for a cluster without encryption.</summary>
    public Keyring? Keyring { get; init; }

    /// <summary>The label (memberlist 0.3.1 and later); empty for none. At most 255 UTF-8 bytes.</summary>
    public string Label
    {
        get => _label;
        init
        {
            LabelBytes = LabelHeader.Validate(value);
            _label = value;
        }
    }

    /// <summary>The label as UTF-8 bytes (the additional data of encryption).</summary>
    public byte[] LabelBytes { get; private init; } = [];

    /// <summary>Whether outgoing packets are compressed when that makes them smaller, and streams always (memberlist's <c>EnableCompression</c>, on by default).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Refuse plain text when a keyring is set.</summary>
    public bool VerifyIncoming { get; init; } = true;

    /// <summary>Encrypt what we send when a keyring is set.</summary>
    public bool VerifyOutgoing { get; init; } = true;

    /// <summary>The encryption version we write: 1, except 0 for peers at protocol version 1.</summary>
    public byte EncryptionVersion { get; init; } = 1;

    /// <summary>Whether packets and streams are encrypted.</summary>
    public bool EncryptionEnabled => Keyring is not null;
}
