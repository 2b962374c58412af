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
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int ENetDown = 100;
    public const int MsgDontWait = 0x40;
    public const short PollIn = 0x1;
    public const int EfdCloExec = 0x80000;
    public const int EfdNonBlock = 0x800;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoCtl(nint fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeFileHandle fd, int type);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(nint fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(nint fd, byte* buffer, nuint count);
}
