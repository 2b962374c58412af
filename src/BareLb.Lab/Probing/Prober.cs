using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Probing;

/// <summary>
/// Sends an ICMP (or ICMPv6) echo request to an address from a lab host every 10 ms, from a raw
/// socket opened inside the host's namespace, on a schedule of its own (iputils ping manages only
/// 16 to 20 ms at <c>-i 0.01</c> on a 250 Hz kernel), and records when each reply arrives
/// (wall clock, as tcpdump's timestamps). <see cref="Report"/> gives the longest gap between
/// replies in a window, the probes lost, and a timeline.
/// </summary>
public sealed class Prober : IDisposable
{
    private const int MaxProbes = 1 << 20;
    private readonly Socket _socket;
    private readonly EndPoint _target;
    private readonly ushort _identifier = (ushort)Random.Shared.Next(1, 0x10000);
    private readonly Lock _gate = new();
    private readonly List<DateTimeOffset> _sent = [];
    private readonly List<(long Sequence, DateTimeOffset Time)> _replies = [];
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _sender;
    private readonly Thread _receiver;
    private int _disposed;

    private Prober(Socket socket, IPAddress target, TimeSpan interval, TimeProvider time)
    {
        _socket = socket;
        _target = new IPEndPoint(target, 0);
        Target = target;
        Interval = interval;
        _time = time;
        _sender = new Thread(Send) { IsBackground = true, Name = "prober-send", Priority = ThreadPriority.Highest };
        _receiver = new Thread(Receive) { IsBackground = true, Name = "prober-receive", Priority = ThreadPriority.Highest };
        _receiver.Start();
        _sender.Start();
    }

    /// <summary>The address probed.</summary>
    public IPAddress Target { get; }

    /// <summary>The time between probes.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The number of probes sent so far.</summary>
    public int SentCount
    {
        get
        {
            lock (_gate)
            {
                return _sent.Count;
            }
        }
    }

    /// <summary>The number of replies so far.</summary>
    public int ReplyCount
    {
        get
        {
            lock (_gate)
            {
                return _replies.Count;
            }
        }
    }

    /// <summary>When the latest reply arrived, or null.</summary>
    public DateTimeOffset? LastReply
    {
        get
        {
            lock (_gate)
            {
                return _replies.Count == 0 ? null : _replies[^1].Time;
            }
        }
    }

    /// <summary>Starts probing <paramref name="target"/> from <paramref name="from"/>.</summary>
    /// <param name="from">The probing host (usually the lab's client).</param>
    /// <param name="target">The address to probe; within the lab's ranges.</param>
    /// <param name="interval">Time between probes; 10 ms when null, at least 1 ms.</param>
    /// <param name="time">The clock of the timestamps; the system clock when null.</param>
    public static Prober Start(LabHost from, IPAddress target, TimeSpan? interval = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(target);
        LabOptions.RequireAllowed("probe target", target);
        var every = interval ?? TimeSpan.FromMilliseconds(10);
        if (every < TimeSpan.FromMilliseconds(1))
        {
            throw new LabException($"Prober: interval {every.TotalMilliseconds} ms must be at least 1 ms.");
        }

        var v6 = target.AddressFamily == AddressFamily.InterNetworkV6;
        var socket = NetworkNamespaces.Run(from.Namespace, () =>
        {
            var raw = v6
                ? new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6)
                : new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            raw.Bind(new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            return raw;
        });
        return new Prober(socket, target, every, time ?? TimeProvider.System);
    }

    /// <summary>Waits until <paramref name="count"/> more replies than now have arrived; false on timeout.</summary>
    /// <param name="count">How many replies.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<bool> WaitForRepliesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = ReplyCount + count;
        var deadline = _time.GetUtcNow() + timeout;
        while (ReplyCount < target)
        {
            if (_time.GetUtcNow() > deadline)
            {
                return false;
            }

            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// What the prober saw between <paramref name="from"/> and <paramref name="to"/>. Probes sent in
    /// the last 100 ms of the window are not counted as lost (their replies may be on the way).
    /// </summary>
    /// <param name="from">The window's start (typically the failure).</param>
    /// <param name="to">The window's end.</param>
    /// <param name="bucket">The timeline's resolution; 10 ms when null.</param>
    public ProbeReport Report(DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket = null)
    {
        List<(long Sequence, DateTimeOffset Time)> replies;
        List<DateTimeOffset> sent;
        lock (_gate)
        {
            replies = [.. _replies];
            sent = [.. _sent];
        }

        return Analyse(sent, replies, from, to, bucket ?? TimeSpan.FromMilliseconds(10));
    }

    /// <summary>Whether <see cref="Dispose"/> has stopped it (its history stays readable).</summary>
    public bool IsStopped => Volatile.Read(ref _disposed) != 0;

    /// <summary>Stops probing and closes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _socket.Dispose();
        _sender.Join();
        _receiver.Join();
        _stop.Dispose();
    }

    internal static ProbeReport Analyse(IReadOnlyList<DateTimeOffset> sent, IReadOnlyList<(long Sequence, DateTimeOffset Time)> replies, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
    {
        var before = replies.LastOrDefault(r => r.Time < from);
        var inside = replies.Where(r => r.Time >= from && r.Time <= to).ToList();
        var previous = before == default ? from : before.Time;
        var longest = TimeSpan.Zero;
        var gapStart = previous;
        foreach (var reply in inside)
        {
            if (reply.Time - previous > longest)
            {
                longest = reply.Time - previous;
                gapStart = previous;
            }

            previous = reply.Time;
        }

        if (to - previous > longest)
        {
            longest = to - previous;
            gapStart = previous;
        }

        var answered = replies.Select(r => r.Sequence).ToHashSet();
        var settled = to - TimeSpan.FromMilliseconds(100);
        var lost = 0;
        for (var sequence = 0; sequence < sent.Count; sequence++)
        {
            if (sent[sequence] >= from && sent[sequence] < settled && !answered.Contains(sequence))
            {
                lost++;
            }
        }

        var buckets = Math.Max(1, (int)Math.Ceiling((to - from) / bucket));
        var timeline = new char[Math.Min(buckets, 10_000)];
        Array.Fill(timeline, '.');
        foreach (var reply in inside)
        {
            var index = (int)((reply.Time - from) / bucket);
            if (index >= 0 && index < timeline.Length)
            {
                timeline[index] = '|';
            }
        }

        return new ProbeReport(from, to, inside.Count, lost, longest, gapStart, new string(timeline));
    }

    /// <summary>An echo request: ICMP type 8 (checksummed here) or ICMPv6 type 128 (checksummed by the kernel).</summary>
    internal static byte[] EchoRequest(bool v6, ushort identifier, ushort sequence)
    {
        var packet = new byte[64];
        packet[0] = v6 ? (byte)128 : (byte)8;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), sequence);
        for (var i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)i;
        }

        if (!v6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), Checksum(packet));
        }

        return packet;
    }

    /// <summary>The identifier and sequence of an echo reply (IPv4 with its IP header, ICMPv6 without), or null.</summary>
    internal static (ushort Identifier, ushort Sequence)? ParseReply(ReadOnlySpan<byte> packet, bool v6)
    {
        if (!v6)
        {
            if (packet.Length < 20)
            {
                return null;
            }

            packet = packet[((packet[0] & 0x0f) * 4)..];
        }

        return packet.Length >= 8 && packet[0] == (v6 ? 129 : 0)
            ? (BinaryPrimitives.ReadUInt16BigEndian(packet[4..]), BinaryPrimitives.ReadUInt16BigEndian(packet[6..]))
            : null;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)data[^1] << 8;
        }

        while (sum > 0xffff)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private void Send()
    {
        var v6 = Target.AddressFamily == AddressFamily.InterNetworkV6;
        var clock = Stopwatch.StartNew();
        for (long sequence = 0; !_stop.IsCancellationRequested && sequence < MaxProbes; sequence++)
        {
            var due = Interval * sequence;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero && _stop.Token.WaitHandle.WaitOne(wait))
            {
                return;
            }

            lock (_gate)
            {
                _sent.Add(_time.GetUtcNow());
            }

            try
            {
                _socket.SendTo(EchoRequest(v6, _identifier, (ushort)sequence), _target);
            }
            catch (SocketException)
            {
                // Unreachable for now (no neighbour, link down): a lost probe.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void Receive()
    {
        var v6 = Target.AddressFamily == AddressFamily.InterNetworkV6;
        var buffer = new byte[1500];
        EndPoint source = new IPEndPoint(v6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref source);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            var now = _time.GetUtcNow();
            if (ParseReply(buffer.AsSpan(0, length), v6) is not { } reply || reply.Identifier != _identifier
                || !((IPEndPoint)source).Address.Equals(Target))
            {
                continue;
            }

            lock (_gate)
            {
                // The latest probe whose 16-bit sequence matches (the counter wraps after 655 s at 10 ms).
                var last = _sent.Count - 1;
                var sequence = last - (((ushort)last - reply.Sequence) & 0xffff);
                if (sequence >= 0)
                {
                    _replies.Add((sequence, now));
                }
            }
        }
    }
}
