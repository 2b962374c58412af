using System.Buffers.Binary;
using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;

namespace BareLb.Benchmarks.Arp.EndToEnd;

/// <summary>
/// Sends ARP requests for a few target addresses from the client namespace over one AF_PACKET
/// socket and matches the replies, from 4,096 source MACs (as many clients would; each source
/// stays well under the engine's per-source limit). Frames are built once; sending and
/// receiving do not allocate. One thread may send while another receives.
/// </summary>
internal sealed class ArpGenerator : IDisposable
{
    private const int Sources = 4096;
    private const ulong SourceBase = 0x0200_0000_0000UL;
    private readonly AfPacketTransport _socket;
    private readonly uint[] _targets;
    private readonly byte[][][] _requests;
    private readonly int[] _next;
    private readonly byte[] _buffer = new byte[2048];

    public ArpGenerator(string clientNamespace, params uint[] targets)
    {
        _socket = AfPacketTransport.Open("vc", clientNamespace);
        _targets = targets;
        _next = new int[targets.Length];
        _requests = new byte[targets.Length][][];
        for (var t = 0; t < targets.Length; t++)
        {
            _requests[t] = new byte[Sources][];
            for (var i = 0; i < Sources; i++)
            {
                var mac = MacAddress.FromValue(SourceBase | (uint)(i + 1));
                var frame = new byte[42];
                Ethernet.Write(frame, MacAddress.Broadcast, mac, Ethernet.TypeArp, false, 0);
                new BareLb.Arp.Codecs.ArpPacket(BareLb.Arp.Codecs.ArpPacket.OperationRequest, mac, 0xC612_0001u, MacAddress.Zero, targets[t]).Write(frame.AsSpan(14));
                _requests[t][i] = frame;
            }
        }
    }

    /// <summary>Sends one request for target <paramref name="target"/> and waits for its reply; false on timeout.</summary>
    public bool RoundTrip(int target, TimeSpan timeout)
    {
        var request = Next(target);
        var mac = MacAddress.Read(request.AsSpan(6));
        if (!_socket.TrySend(request))
        {
            throw new InvalidOperationException("send failed");
        }

        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Environment.TickCount64 < deadline)
        {
            var length = _socket.Receive(_buffer, timeout);
            if (length > 0 && ReplyTarget(_buffer.AsSpan(0, length), out var to) == target && to == mac)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sends a request for a target without waiting.</summary>
    public void Send(int target)
    {
        if (!_socket.TrySend(Next(target)))
        {
            throw new InvalidOperationException("send failed");
        }
    }

    /// <summary>Receives one frame; returns the index of the target it answers for, or -1.</summary>
    public int ReceiveReply(TimeSpan timeout)
    {
        var length = _socket.Receive(_buffer, timeout);
        return length > 0 ? ReplyTarget(_buffer.AsSpan(0, length), out _) : -1;
    }

    public void Dispose() => _socket.Dispose();

    private byte[] Next(int target)
    {
        var i = _next[target];
        _next[target] = (i + 1) % Sources;
        return _requests[target][i];
    }

    private int ReplyTarget(ReadOnlySpan<byte> frame, out MacAddress to)
    {
        to = default;
        if (frame.Length < 42 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != Ethernet.TypeArp
            || BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) != BareLb.Arp.Codecs.ArpPacket.OperationReply)
        {
            return -1;
        }

        to = MacAddress.Read(frame[32..]);
        if ((to.Value & ~0xFFFF_FFFFUL) != SourceBase)
        {
            return -1;
        }

        return Array.IndexOf(_targets, BinaryPrimitives.ReadUInt32BigEndian(frame[28..]));
    }
}
