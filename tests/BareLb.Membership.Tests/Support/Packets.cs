using BareLb.Membership.Codec;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Tests.Support;

/// <summary>Messages for codec tests.</summary>
internal static class Packets
{
    public static readonly byte[] Address = [198, 18, 0, 1];
    public static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    public static byte[] Ping(uint seq = 7, string node = "a") => MessageCodec.Encode(MessageType.Ping, new Ping(seq, node));

    public static byte[] Alive(string node, uint incarnation = 1) => MessageCodec.Encode(MessageType.Alive, new Alive(incarnation, node, Address, 7946, [], Vsn));

    public static byte[] Suspect(string node) => MessageCodec.Encode(MessageType.Suspect, new Suspect(2, node, "b"));
}
