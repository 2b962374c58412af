using System.Globalization;
using System.Net;
using BareLb.Membership.Hosting;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Detection;

/// <summary>
/// One member as a process of its own (<c>barelb-membership-detection member --name N --bind IP --seeds A,B,C</c>),
/// started by <see cref="ProcessFalseAlarmHarness"/> inside a lab namespace: it runs a <see cref="MembershipNode"/> at
/// BareLb's defaults and prints one line per member change it sees (<c>event KIND NAME</c>) and the number of live
/// members after each (<c>live N</c>), and each pause of its own of 100 ms or more (<c>stall MS</c>), until SIGTERM.
/// A line <c>pace fast</c> or <c>pace relaxed</c> on stdin sets its <see cref="MembershipNode.Pace"/>, answered with
/// <c>pace NAME</c>.
/// </summary>
internal static class MemberProcess
{
    public const string EventPrefix = "event ";
    public const string LivePrefix = "live ";
    public const string StallPrefix = "stall ";
    public const string PacePrefix = "pace ";

    /// <summary>A pause at least this long of a thread that only sleeps 10 ms at a time is reported (<c>stall MS</c>).</summary>
    private static readonly TimeSpan StallThreshold = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string name, IPAddress bind, IReadOnlyList<IPAddress> seeds, bool stallWatch = true)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        var options = new MembershipNodeOptions { NodeName = name, BindAddress = bind, Timings = new MembershipOptions() };
        await using var node = await MembershipNode.StartAsync(options, [.. seeds.Select(s => new IPEndPoint(s, 7946))]);
        var gate = new Lock();
        if (stallWatch)
        {
            StartStallWatch(gate, stop.Token);
        }

        node.MemberChanged += (_, change) =>
        {
            lock (gate)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{EventPrefix}{change.Kind} {change.Member.Name}"));
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{LivePrefix}{node.LiveMembers.Count}"));
                Console.Out.Flush();
            }
        };
        lock (gate)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{LivePrefix}{node.LiveMembers.Count}"));
            Console.Out.Flush();
        }

        _ = Task.Run(() => ReadCommands(node, gate), CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or Ctrl+C.
        }

        return 0;
    }

    private static void ReadCommands(MembershipNode node, Lock gate)
    {
        while (Console.In.ReadLine() is { } line)
        {
            if (line.StartsWith(PacePrefix, StringComparison.Ordinal) && Enum.TryParse<DetectionPace>(line[PacePrefix.Length..], ignoreCase: true, out var pace))
            {
                node.Pace = pace;
                lock (gate)
                {
                    Console.Out.WriteLine(PacePrefix + pace);
                    Console.Out.Flush();
                }
            }
        }
    }

    /// <summary>
    /// Sleeps 10 ms at a time on a thread of its own and reports each wake-up that came <see cref="StallThreshold"/> or
    /// more late: the process was not scheduled (or was paused) that long, so it could not have answered a probe either.
    /// </summary>
    private static void StartStallWatch(Lock gate, CancellationToken stop)
    {
        var thread = new Thread(() =>
        {
            var tick = TimeSpan.FromMilliseconds(10);
            while (!stop.IsCancellationRequested)
            {
                var before = System.Diagnostics.Stopwatch.GetTimestamp();
                var pausedBefore = GC.GetTotalPauseDuration();
                var collectionsBefore = GC.CollectionCount(0);
                Thread.Sleep(tick);
                var late = System.Diagnostics.Stopwatch.GetElapsedTime(before) - tick;
                if (late >= StallThreshold)
                {
                    // How much of the pause the garbage collector accounts for (its threads-suspended time).
                    var paused = GC.GetTotalPauseDuration() - pausedBefore;
                    var collections = GC.CollectionCount(0) - collectionsBefore;
                    lock (gate)
                    {
                        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{StallPrefix}{late.TotalMilliseconds:0} (GC pause {paused.TotalMilliseconds:0} ms in {collections} collections; gen0/1/2 so far {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)})"));
                        Console.Out.Flush();
                    }
                }
            }
        })
        { IsBackground = true, Name = "stall watch" };
        thread.Start();
    }
}
