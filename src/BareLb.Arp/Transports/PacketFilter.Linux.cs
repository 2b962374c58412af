namespace BareLb.Arp.Transports;

/// <summary>
/// The classic BPF program the AF_PACKET socket runs in the kernel: it passes only frames that
/// arrived (not ones sent from this host) and are ARP, 802.1Q-tagged, or IPv6 carrying an
/// ICMPv6 neighbor solicitation with no extension header; everything else never wakes us up.
/// </summary>
internal static class PacketFilter
{
    private const ushort LdW = 0x20; // BPF_LD | BPF_W | BPF_ABS
    private const ushort LdH = 0x28; // BPF_LD | BPF_H | BPF_ABS
    private const ushort LdB = 0x30; // BPF_LD | BPF_B | BPF_ABS
    private const ushort JEq = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort Ret = 0x06; // BPF_RET | BPF_K
    private const uint AncillaryPacketType = 0xFFFF_F004; // SKF_AD_OFF + SKF_AD_PKTTYPE
    private const uint PacketOutgoing = 4;

    /// <summary>The program as an array of 8-byte <c>struct sock_filter</c>.</summary>
    public static byte[] Build()
    {
        (ushort Code, byte Jt, byte Jf, uint K)[] program =
        [
            (LdW, 0, 0, AncillaryPacketType), // 0
            (JEq, 9, 0, PacketOutgoing),      // 1: sent by this host -> drop (11)
            (LdH, 0, 0, 12),                  // 2: EtherType
            (JEq, 6, 0, 0x0806),              // 3: ARP -> accept (10)
            (JEq, 5, 0, 0x8100),              // 4: 802.1Q -> accept, the engine parses it
            (JEq, 0, 5, 0x86DD),              // 5: not IPv6 -> drop
            (LdB, 0, 0, 20),                  // 6: IPv6 next header
            (JEq, 0, 3, 58),                  // 7: not ICMPv6 -> drop
            (LdB, 0, 0, 54),                  // 8: ICMPv6 type
            (JEq, 0, 1, 135),                 // 9: neighbor solicitation -> accept, else drop
            (Ret, 0, 0, 0x0004_0000),         // 10: accept the whole frame
            (Ret, 0, 0, 0),                   // 11: drop
        ];
        var bytes = new byte[program.Length * 8];
        for (var i = 0; i < program.Length; i++)
        {
            var slot = bytes.AsSpan(i * 8, 8);
            BitConverter.TryWriteBytes(slot, program[i].Code);
            slot[2] = program[i].Jt;
            slot[3] = program[i].Jf;
            BitConverter.TryWriteBytes(slot[4..], program[i].K);
        }

        return bytes;
    }
}
