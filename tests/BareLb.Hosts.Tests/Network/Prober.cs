using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BareLb.Hosts.Tests.Network;

/// <summary>
/// <c>ping -D -i 0.01</c> from a namespace: a probe every 10 ms, each reply with its time, so that
/// a test can tell how many probes were lost and the longest gap between replies.
/// </summary>
internal sealed partial class Prober : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(int Sequence, double Time)> _replies = new();
    private readonly ManualResetEventSlim _first = new();

    public Prober(string ns, string address)
    {
        _process = Shell.Start("ip", "netns", "exec", ns, "ping", "-D", "-n", "-i", "0.01", "-W", "1", address);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && Reply().Match(line) is { Success: true } match)
            {
                _replies.Enqueue((int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
                _first.Set();
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!_first.Wait(TimeSpan.FromSeconds(10)))
        {
            Dispose();
            throw new InvalidOperationException($"No reply from {address} within 10 s.");
        }
    }

    public int Replies => _replies.Count;

    /// <summary>Stops probing; returns the probes lost between the first and the last reply and the longest gap between replies.</summary>
    public (int Lost, TimeSpan LongestGap, int Replies) Stop()
    {
        Shell.Signal(_process.Id, 2);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        var replies = _replies.ToArray();
        var sequences = replies.Select(r => r.Sequence).ToHashSet();
        var lost = Enumerable.Range(sequences.Min(), sequences.Max() - sequences.Min() + 1).Count(s => !sequences.Contains(s));
        var times = replies.Select(r => r.Time).Order().ToArray();
        var gap = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        return (lost, TimeSpan.FromSeconds(gap), replies.Length);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _first.Dispose();
    }

    [GeneratedRegex(@"^\[([0-9.]+)\] \d+ bytes from .*icmp_seq=(\d+)")]
    private static partial Regex Reply();
}
