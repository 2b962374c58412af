using System.Text;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Protocol;

/// <summary>
/// An upper bound of each message's size in memberlist's encoding (a type byte, then a
/// MessagePack map keyed by field name), counting the widest header each value may take.
/// </summary>
internal sealed class EstimatedMessageSizer(int packetOverhead = 0) : IMessageSizer
{
    /// <summary>AES-GCM as memberlist lays it out (version byte, 12-byte nonce, 16-byte tag) plus the largest padding of version 0.</summary>
    public const int EncryptionOverhead = 1 + 12 + 16 + 16;

    /// <inheritdoc />
    public int PacketOverhead { get; } = packetOverhead;

    /// <inheritdoc />
    public int SizeOf(object message) => 1 + message switch
    {
        Ping p => Map(5) + Key("SeqNo") + UInt + Key("Node") + Str(p.Node) + Key("SourceAddr") + Bin(p.SourceAddr) + Key("SourcePort") + UInt + Key("SourceNode") + Str(p.SourceNode),
        IndirectPing i => Map(8) + Key("SeqNo") + UInt + Key("Target") + Bin(i.Target) + Key("Port") + UInt + Key("Node") + Str(i.Node) + Key("Nack") + 1
            + Key("SourceAddr") + Bin(i.SourceAddr) + Key("SourcePort") + UInt + Key("SourceNode") + Str(i.SourceNode),
        AckResponse a => Map(2) + Key("SeqNo") + UInt + Key("Payload") + Bin(a.Payload),
        NackResponse => Map(1) + Key("SeqNo") + UInt,
        Suspect s => Map(3) + Key("Incarnation") + UInt + Key("Node") + Str(s.Node) + Key("From") + Str(s.From),
        Dead d => Map(3) + Key("Incarnation") + UInt + Key("Node") + Str(d.Node) + Key("From") + Str(d.From),
        Alive a => Map(6) + Key("Incarnation") + UInt + Key("Node") + Str(a.Node) + Key("Addr") + Bin(a.Addr) + Key("Port") + UInt + Key("Meta") + Bin(a.Meta) + Key("Vsn") + Bin(a.Vsn),
        _ => 1024,
    };

    private const int UInt = 9;

    private static int Map(int fields) => fields < 16 ? 1 : 3;

    private static int Key(string name) => 1 + name.Length;

    private static int Str(string? s) => 5 + (s is null ? 0 : Encoding.UTF8.GetByteCount(s));

    private static int Bin(byte[]? b) => 5 + (b?.Length ?? 0);
}
