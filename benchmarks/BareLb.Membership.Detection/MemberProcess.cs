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
/// members after each (<c>live N</c>), until SIGTERM or stdin closes.
/// </summary>
internal static class MemberProcess
{
    public const string EventPrefix = "event ";
    public const string LivePrefix = "live ";

    public static async Task<int> RunAsync(string name, IPAddress bind, IReadOnlyList<IPAddress> seeds)
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
}
