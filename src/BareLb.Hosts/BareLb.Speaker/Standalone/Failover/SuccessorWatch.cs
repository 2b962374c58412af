using System.Buffers.Binary;
using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;

namespace BareLb.Speaker.Standalone.Failover;

/// <summary>
/// Watches the link, on an AF_PACKET socket of its own, for the gratuitous ARPs with which other
/// appliances announce IPv4 addresses this one is handing over: the sign that a successor has
/// announced and this one may stop answering. (Unsolicited neighbor advertisements are not
/// watched: the socket's filter passes ARP and solicitations only; IPv6 hand-overs wait a grace time.)
/// </summary>
internal sealed class SuccessorWatch : IDisposable
{
    private const int EtherTypeOffset = 12;
    private const int ArpOffset = 14;
    private const int ArpLength = 28;

    private readonly IFrameTransport _transport;
    private readonly MacAddress _self;
    private readonly Dictionary<uint, TaskCompletionSource<MacAddress>> _pending;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    private SuccessorWatch(IFrameTransport transport, MacAddress self, IEnumerable<IPAddr> addresses)
    {
        _transport = transport;
        _self = self;
        _pending = addresses.Where(static a => a.IsIPv4).Distinct().ToDictionary(
            static a => a.ToUInt32(),
            static _ => new TaskCompletionSource<MacAddress>(TaskCreationOptions.RunContinuationsAsynchronously));
        _thread = new Thread(Run) { IsBackground = true, Name = "barelb-successor-watch" };
        _thread.Start();
    }

    /// <summary>Starts watching for announcements of <paramref name="addresses"/> (the IPv4 ones) from any MAC but <paramref name="self"/>.</summary>
    /// <exception cref="FrameTransportException">The socket cannot be opened.</exception>
    public static SuccessorWatch Start(string interfaceName, MacAddress self, IEnumerable<IPAddr> addresses)
        => new(AfPacketTransport.Open(interfaceName), self, addresses);

    /// <summary>Starts watching on a transport given (tests).</summary>
    internal static SuccessorWatch Start(IFrameTransport transport, MacAddress self, IEnumerable<IPAddr> addresses) => new(transport, self, addresses);

    /// <summary>Completes with the announcer's MAC when another MAC announces <paramref name="address"/>; never for an address not watched.</summary>
    public Task<MacAddress> Announced(IPAddr address)
        => address.IsIPv4 && _pending.TryGetValue(address.ToUInt32(), out var seen) ? seen.Task : new TaskCompletionSource<MacAddress>().Task;

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(1));
        _transport.Dispose();
        _stop.Dispose();
    }

    /// <summary>The announced address and announcer of a gratuitous ARP (request or reply, sender and target address equal), or null.</summary>
    internal static (uint Address, MacAddress Sender)? ReadAnnouncement(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < ArpOffset + ArpLength || BinaryPrimitives.ReadUInt16BigEndian(frame[EtherTypeOffset..]) != 0x0806)
        {
            return null;
        }

        var arp = frame.Slice(ArpOffset, ArpLength);
        if (BinaryPrimitives.ReadUInt16BigEndian(arp) != 1 || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != 0x0800 || arp[4] != 6 || arp[5] != 4)
        {
            return null;
        }

        var sender = BinaryPrimitives.ReadUInt32BigEndian(arp[14..]);
        var target = BinaryPrimitives.ReadUInt32BigEndian(arp[24..]);
        return sender == target ? (sender, MacAddress.Read(arp.Slice(8, 6))) : null;
    }

    private void Run()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _transport.Receive(buffer, TimeSpan.FromMilliseconds(20));
            }
            catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                return;
            }

            if (length > 0 && ReadAnnouncement(buffer.AsSpan(0, length)) is { } announcement
                && !announcement.Sender.Equals(_self) && _pending.TryGetValue(announcement.Address, out var seen))
            {
                seen.TrySetResult(announcement.Sender);
            }
        }
    }
}
