using System.Net.Sockets;
using BareLb.Arp.Codecs;
using SharpPcap;
using SharpPcap.LibPcap;

namespace BareLb.Arp.Transports;

/// <summary>
/// Frames through libpcap (SharpPcap): a live interface in immediate mode with a kernel filter
/// for ARP and neighbor solicitations, or a .pcap file replayed for tests. On Linux, multicast
/// groups are joined with a membership-only packet socket, so the interface stays out of
/// promiscuous mode; elsewhere a live device is opened promiscuous. Needs libpcap (Debian:
/// libpcap0.8) and, live, CAP_NET_RAW.
/// </summary>
public sealed class PcapTransport : IFrameTransport
{
    private const string CaptureFilter = "arp or (icmp6 and ip6[40] == 135) or (vlan and arp)"; // "vlan" shifts the offsets of what follows it, so it comes last
    private const int ReadTimeoutMilliseconds = 100;

    private readonly ICaptureDevice _device;
    private readonly CaptureFileWriterDevice? _output;
    private readonly Socket? _membership;
    private readonly int _interfaceIndex;
    private readonly Lock _sendGate = new();
    private volatile bool _disposed;
    private long _sent;

    private PcapTransport(ICaptureDevice device, string interfaceName, MacAddress hardwareAddress, CaptureFileWriterDevice? output, Socket? membership, int interfaceIndex, bool isReplay)
    {
        _device = device;
        InterfaceName = interfaceName;
        HardwareAddress = hardwareAddress;
        _output = output;
        _membership = membership;
        _interfaceIndex = interfaceIndex;
        IsReplay = isReplay;
    }

    /// <inheritdoc/>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public MacAddress HardwareAddress { get; }

    /// <summary>Whether this replays a capture file rather than a live interface.</summary>
    public bool IsReplay { get; }

    /// <summary>Whether a replayed file has no frames left.</summary>
    public bool IsExhausted { get; private set; }

    /// <summary>Frames sent so far (written to the output file when replaying).</summary>
    public long SentCount => Interlocked.Read(ref _sent);

    /// <summary>Opens a live interface.</summary>
    /// <exception cref="FrameTransportException">libpcap is missing, the interface does not exist, or permission is denied; the message says which.</exception>
    public static PcapTransport Open(string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        LibPcapLiveDevice? device;
        try
        {
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == interfaceName);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new FrameTransportException("The pcap transport needs libpcap, which is not installed (Debian: apt-get install libpcap0.8).", e);
        }
        catch (PcapException e)
        {
            throw new FrameTransportException($"libpcap cannot list interfaces: {e.Message}", e);
        }

        if (device is null)
        {
            throw new FrameTransportException($"Interface {interfaceName} does not exist.");
        }

        Socket? membership = null;
        var index = 0;
        var hardwareAddress = MacAddress.Zero;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // Opening an AF_PACKET transport checks the interface and CAP_NET_RAW with clear
                // messages; its socket then serves only to join multicast groups.
                using var probe = AfPacketTransport.Open(interfaceName);
                hardwareAddress = probe.HardwareAddress;
                index = probe.InterfaceIndex;
                membership = new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.Unspecified);
            }
            else if (device.MacAddress is { } mac && mac.GetAddressBytes().Length == 6)
            {
                hardwareAddress = MacAddress.Read(mac.GetAddressBytes());
            }
            else
            {
                throw new FrameTransportException($"Interface {interfaceName} is not an Ethernet interface.");
            }

            device.Open(new DeviceConfiguration
            {
                Mode = OperatingSystem.IsLinux() ? DeviceModes.None : DeviceModes.Promiscuous,
                Immediate = true,
                ReadTimeout = ReadTimeoutMilliseconds,
                Snaplen = 65535,
            });
            device.Filter = CaptureFilter;
            return new PcapTransport(device, interfaceName, hardwareAddress, null, membership, index, isReplay: false);
        }
        catch (PcapException e)
        {
            membership?.Dispose();
            device.Close();
            throw new FrameTransportException($"libpcap cannot open {interfaceName}: {e.Message}", e);
        }
        catch
        {
            membership?.Dispose();
            throw;
        }
    }

    /// <summary>Replays a capture file, for tests: its frames are received in order, then none.</summary>
    /// <param name="capturePath">A .pcap or .pcapng file of Ethernet frames.</param>
    /// <param name="interfaceName">The name to report.</param>
    /// <param name="hardwareAddress">The MAC address to answer as.</param>
    /// <param name="outputPath">A .pcap file to write the frames sent to, or null to discard them.</param>
    /// <exception cref="FrameTransportException">libpcap is missing or cannot read the file.</exception>
    public static PcapTransport OpenFile(string capturePath, string interfaceName, MacAddress hardwareAddress, string? outputPath = null)
    {
        ArgumentNullException.ThrowIfNull(capturePath);
        CaptureFileReaderDevice? reader = null;
        CaptureFileWriterDevice? writer = null;
        try
        {
            reader = new CaptureFileReaderDevice(capturePath);
            reader.Open();
            if (outputPath is not null)
            {
                writer = new CaptureFileWriterDevice(outputPath);
                writer.Open(new DeviceConfiguration { LinkLayerType = PacketDotNet.LinkLayers.Ethernet });
            }

            return new PcapTransport(reader, interfaceName, hardwareAddress, writer, null, 0, isReplay: true);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or PcapException)
        {
            reader?.Close();
            writer?.Close();
            throw new FrameTransportException(e is PcapException ? $"libpcap cannot read {capturePath}: {e.Message}" : "The pcap transport needs libpcap, which is not installed (Debian: apt-get install libpcap0.8).", e);
        }
    }

    /// <inheritdoc/>
    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsExhausted)
        {
            Thread.Sleep(timeout);
            return 0;
        }

        var status = _device.GetNextPacket(out var capture);
        switch (status)
        {
            case GetPacketStatus.PacketRead:
                var data = capture.Data;
                var length = Math.Min(data.Length, buffer.Length);
                data[..length].CopyTo(buffer);
                return length;
            case GetPacketStatus.NoRemainingPackets:
                IsExhausted = true;
                return 0;
            case GetPacketStatus.ReadTimeout:
                return 0;
            default:
                ObjectDisposedException.ThrowIf(_disposed, this);
                throw new IOException($"libpcap failed to read from {InterfaceName}: {_device.LastError}");
        }
    }

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            lock (_sendGate)
            {
                if (_output is not null)
                {
                    _output.Write(frame);
                }
                else if (_device is IInjectionDevice live && !IsReplay)
                {
                    live.SendPacket(frame);
                }
            }

            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (PcapException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public void JoinMulticast(MacAddress group) => ChangeMembership(LinuxNative.PacketAddMembership, group);

    /// <inheritdoc/>
    public void LeaveMulticast(MacAddress group) => ChangeMembership(LinuxNative.PacketDropMembership, group);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_sendGate)
        {
            _device.Close();
            _output?.Close();
        }

        _membership?.Dispose();
    }

    private void ChangeMembership(int operation, MacAddress group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_membership is null)
        {
            return; // replaying, or promiscuous off Linux
        }

        Span<byte> request = stackalloc byte[16];
        request.Clear();
        BitConverter.TryWriteBytes(request, _interfaceIndex);
        BitConverter.TryWriteBytes(request[4..], LinuxNative.PacketMrMulticast);
        BitConverter.TryWriteBytes(request[6..], (ushort)6);
        group.WriteTo(request[8..]);
        _membership.SetRawSocketOption(LinuxNative.SolPacket, operation, request);
    }
}
