using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BareLb.Arp.Transports;

/// <summary>The few libc calls the AF_PACKET transport needs that .NET's Socket does not offer.</summary>
internal static unsafe partial class LinuxNative
{
    public const int SolSocket = 1;
    public const int SoAttachFilter = 26;
    public const int SoRcvBufForce = 33;
    public const int SolPacket = 263;
    public const int PacketAddMembership = 1;
    public const int PacketDropMembership = 2;
    public const int PacketIgnoreOutgoing = 23;
    public const ushort PacketMrMulticast = 0;
    public const ushort EthPAll = 0x0003;
    public const nuint SiocGifHwAddr = 0x8927;
    public const nuint SiocGifIndex = 0x8933;
    public const ushort ArpHrdEther = 1;
    public const int CloneNewNet = 0x4000_0000;
    public const int ENoDev = 19;
    public const int ENxIo = 6;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoCtl(nint fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeFileHandle fd, int type);
}
