using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Probing;

/// <summary>
/// Pings an address from a host every 10 ms (iputils <c>ping -D -O -i 0.01</c>: a timestamp on
/// every reply, and a line for every probe not answered in time) and reports the longest gap
/// between replies in a window, the probes lost, and a timeline.
/// </summary>
public sealed partial class Prober : IDisposable
{
    private readonly LabProcess _ping;
    private readonly Lock _gate = new();
    private readonly List<(long Sequence, DateTimeOffset Time)> _replies = [];
    private long _highestSequence;
    private long _wraps;
    private long _lastRaw = -1;

    private Prober(LabProcess ping, IPAddress target, TimeSpan interval)
    {
        _ping = ping;
        Target = target;
        Interval = interval;
        _ping.LineReceived += Parse;
        foreach (var line in _ping.Lines)
        {
            Parse(line);
        }
    }

    /// <summary>The address probed.</summary>
    public IPAddress Target { get; }

    /// <summary>The time between probes.</summary>
    public TimeSpan Interval { get; }

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
    /// <param name="interval">Time between probes; 10 ms when null, at least 2 ms.</param>
    public static Prober Start(LabHost from, IPAddress target, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(target);
        LabOptions.RequireAllowed("probe target", target);
        var every = interval ?? TimeSpan.FromMilliseconds(10);
        if (every < TimeSpan.FromMilliseconds(2))
        {
            throw new LabException($"Prober: interval {every.TotalMilliseconds} ms must be at least 2 ms.");
        }

        string[] arguments =
        [
            target.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "-n", "-D", "-O",
            "-i", every.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-W", "1", target.ToString(),
        ];
        return new Prober(from.Start("ping", arguments), target, every);
    }

    /// <summary>Waits until <paramref name="count"/> more replies than now have arrived; false on timeout.</summary>
    /// <param name="count">How many replies.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<bool> WaitForRepliesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var target = ReplyCount + count;
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (ReplyCount < target)
        {
            if (DateTimeOffset.UtcNow > deadline || _ping.HasExited)
            {
                return false;
            }

            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>What the prober saw between <paramref name="from"/> and <paramref name="to"/>.</summary>
    /// <param name="from">The window's start (typically the failure).</param>
    /// <param name="to">The window's end.</param>
    /// <param name="bucket">The timeline's resolution; 10 ms when null.</param>
    public ProbeReport Report(DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket = null)
    {
        List<(long Sequence, DateTimeOffset Time)> replies;
        long highest;
        lock (_gate)
        {
            replies = [.. _replies];
            highest = _highestSequence;
        }

        return Analyse(replies, highest, from, to, bucket ?? TimeSpan.FromMilliseconds(10));
    }

    /// <summary>Stops ping.</summary>
    public void Dispose() => _ping.Dispose();

    internal static ProbeReport Analyse(IReadOnlyList<(long Sequence, DateTimeOffset Time)> replies, long highestSequence, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
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

        // Probes sent in the window: from the one after the last reply before it to the last one sent before its end.
        var firstSequence = before == default ? inside.Count > 0 ? inside.Min(r => r.Sequence) : highestSequence : before.Sequence + 1;
        var after = replies.FirstOrDefault(r => r.Time > to);
        var lastSequence = after == default ? highestSequence : after.Sequence - 1;
        var answered = inside.Select(r => r.Sequence).Where(s => s >= firstSequence && s <= lastSequence).Distinct().Count();
        var lost = (int)Math.Max(0, lastSequence - firstSequence + 1 - answered);

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

    /// <summary>Parses one line of <c>ping -D</c>: a reply, or a probe's sequence number.</summary>
    internal static (long Sequence, DateTimeOffset Time, bool Reply)? ParseLine(string line)
    {
        var match = PingLine().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var seconds = decimal.Parse(match.Groups["time"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var time = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        var sequence = long.Parse(match.Groups["seq"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        return (sequence, time, match.Groups["bytes"].Success);
    }

    private void Parse(OutputLine line)
    {
        if (ParseLine(line.Text) is not { } parsed)
        {
            return;
        }

        lock (_gate)
        {
            // icmp_seq is 16 bits: it wraps after 655 s at 10 ms; a late line from before a wrap keeps its round.
            var round = _wraps;
            if (_lastRaw >= 0 && parsed.Sequence < _lastRaw - 32768)
            {
                round = ++_wraps;
                _lastRaw = parsed.Sequence;
            }
            else if (_lastRaw >= 0 && parsed.Sequence > _lastRaw + 32768)
            {
                round = Math.Max(0, _wraps - 1);
            }
            else
            {
                _lastRaw = Math.Max(_lastRaw, parsed.Sequence);
            }

            var sequence = parsed.Sequence + (round * 65536);
            _highestSequence = Math.Max(_highestSequence, sequence);
            if (parsed.Reply)
            {
                _replies.Add((sequence, parsed.Time));
            }
        }
    }

    [GeneratedRegex(@"^\[(?<time>\d+\.\d+)\] (?:(?<bytes>\d+ bytes from )\S+ |.*?)icmp_seq=(?<seq>\d+)")]
    private static partial Regex PingLine();
}
