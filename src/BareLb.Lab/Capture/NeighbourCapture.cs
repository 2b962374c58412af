using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Capture;

/// <summary>
/// tcpdump on one interface of a lab namespace (the client's <c>eth0</c> by default), reporting
/// every ARP reply, gratuitous ARP request and neighbour advertisement: which MACs claimed each
/// address, and when. Captured in the client, it is what the client saw.
/// </summary>
public sealed partial class NeighbourCapture : IDisposable
{
    private const string Filter = "arp or (icmp6 and ip6[40] == 136)";
    private readonly LabProcess _tcpdump;
    private readonly Lock _gate = new();
    private readonly List<NeighbourAnswer> _answers = [];

    private NeighbourCapture(LabProcess tcpdump)
    {
        _tcpdump = tcpdump;
        _tcpdump.LineReceived += Parse;
        foreach (var line in _tcpdump.Lines)
        {
            Parse(line);
        }
    }

    /// <summary>Every answer so far, in order.</summary>
    public IReadOnlyList<NeighbourAnswer> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers];
            }
        }
    }

    /// <summary>Starts tcpdump on <paramref name="device"/> of <paramref name="host"/> and waits until it listens.</summary>
    /// <param name="host">The host, usually the lab's client.</param>
    /// <param name="device">The interface; <see cref="LabHost.Interface"/> when null.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public static async Task<NeighbourCapture> StartAsync(LabHost host, string? device = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var tcpdump = host.Start("tcpdump", "-l", "-n", "-e", "-tt", "-i", device ?? LabHost.Interface, Filter);
        var capture = new NeighbourCapture(tcpdump);
        try
        {
            await tcpdump.WaitForLineAsync(l => l.Text.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>The distinct MACs that claimed <paramref name="address"/> at or after <paramref name="since"/>.</summary>
    /// <param name="address">The address.</param>
    /// <param name="since">The start; the beginning of the capture when null.</param>
    public IReadOnlyList<string> AnswerersOf(IPAddress address, DateTimeOffset? since = null)
        => [.. Answers.Where(a => a.Address.Equals(address) && (since is null || a.Time >= since)).Select(a => a.Mac).Distinct(StringComparer.Ordinal)];

    /// <summary>The first answer for <paramref name="address"/> at or after <paramref name="since"/>, optionally only from <paramref name="mac"/>.</summary>
    /// <param name="address">The address.</param>
    /// <param name="since">The start.</param>
    /// <param name="mac">Only this MAC, or any when null.</param>
    public NeighbourAnswer? FirstAnswer(IPAddress address, DateTimeOffset since, string? mac = null)
        => Answers.FirstOrDefault(a => a.Address.Equals(address) && a.Time >= since && (mac is null || string.Equals(a.Mac, mac, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Waits until an answer matching the arguments of <see cref="FirstAnswer"/> is captured; null on timeout.</summary>
    /// <param name="address">The address.</param>
    /// <param name="since">The start.</param>
    /// <param name="mac">Only this MAC, or any when null.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<NeighbourAnswer?> WaitForAnswerAsync(IPAddress address, DateTimeOffset since, string? mac, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitUntilAsync(() => FirstAnswer(address, since, mac) is not null, timeout, cancellationToken).ConfigureAwait(false);
        return FirstAnswer(address, since, mac);
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> answers for <paramref name="address"/> at or after
    /// <paramref name="since"/> are captured (tcpdump's lines trail the packets); false on timeout.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="since">The start.</param>
    /// <param name="count">How many answers, from any MAC.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public Task<bool> WaitForAnswersAsync(IPAddress address, DateTimeOffset since, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
        => WaitUntilAsync(() => Answers.Count(a => a.Address.Equals(address) && a.Time >= since) >= count, timeout, cancellationToken);

    // Polls the captured answers until the condition holds (true), the timeout passes or tcpdump exits (false).
    private async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline || _tcpdump.HasExited)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Stops tcpdump.</summary>
    public void Dispose() => _tcpdump.Dispose();

    /// <summary>Parses one line of <c>tcpdump -n -e -tt</c>; null for frames that claim nothing.</summary>
    internal static NeighbourAnswer? ParseLine(string line)
    {
        var header = Header().Match(line);
        if (!header.Success)
        {
            return null;
        }

        var seconds = decimal.Parse(header.Groups["time"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var time = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        var source = header.Groups["src"].Value.ToLowerInvariant();
        var rest = header.Groups["rest"].Value;
        if (ArpReply().Match(rest) is { Success: true } reply && IPAddress.TryParse(reply.Groups["ip"].Value, out var replied))
        {
            return new NeighbourAnswer(time, replied, reply.Groups["mac"].Value.ToLowerInvariant(), NeighbourAnswerKind.ArpReply);
        }

        if (ArpRequest().Match(rest) is { Success: true } request && request.Groups["target"].Value == request.Groups["sender"].Value
            && IPAddress.TryParse(request.Groups["target"].Value, out var claimed))
        {
            return new NeighbourAnswer(time, claimed, source, NeighbourAnswerKind.GratuitousArp);
        }

        if (Advertisement().Match(rest) is { Success: true } advert && IPAddress.TryParse(advert.Groups["ip"].Value, out var advertised))
        {
            return new NeighbourAnswer(time, advertised, source, NeighbourAnswerKind.NeighbourAdvertisement);
        }

        return null;
    }

    private void Parse(OutputLine line)
    {
        if (!line.IsError && ParseLine(line.Text) is { } answer)
        {
            lock (_gate)
            {
                _answers.Add(answer);
            }
        }
    }

    [GeneratedRegex(@"^(?<time>\d+\.\d+) (?<src>[0-9a-fA-F:]{17}) > [0-9a-fA-F:]{17}, (?<rest>.*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"Reply (?<ip>[0-9.]+) is-at (?<mac>[0-9a-fA-F:]{17})")]
    private static partial Regex ArpReply();

    [GeneratedRegex(@"Request who-has (?<target>[0-9.]+)(?: \([0-9a-fA-F:]{17}\))? tell (?<sender>[0-9.]+)")]
    private static partial Regex ArpRequest();

    [GeneratedRegex(@"neighbor advertisement, tgt is (?<ip>[0-9a-fA-F:.]+),")]
    private static partial Regex Advertisement();
}
