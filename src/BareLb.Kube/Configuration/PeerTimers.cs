using System.Globalization;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration;

/// <summary>
/// A BGPPeer's hold, keepalive and connect times, judged as MetalLB judges them: v0.12's legacy rules (hold time
/// 90s when absent, rounded down to whole seconds, keepalive a third of it) or v0.16's (either time implies the
/// other: keepalive a third of the hold time, hold time three keepalives).
/// </summary>
internal static class PeerTimers
{
    private static readonly TimeSpan ShortestHold = TimeSpan.FromSeconds(3);

    /// <summary>The v0.16 rules; false when a time is wrong (the reasons are in <paramref name="errors"/>).</summary>
    public static bool Check(BGPPeerSpec spec, List<(string Field, string Message)> errors, out TimeSpan? hold, out TimeSpan? keepalive)
    {
        hold = null;
        keepalive = null;
        if (!TryParse(spec.HoldTime, "spec.holdTime", errors, out var givenHold) | !TryParse(spec.KeepaliveTime, "spec.keepaliveTime", errors, out var givenKeepalive))
        {
            return false;
        }

        if (givenHold is null && givenKeepalive is null)
        {
            return true;
        }

        hold = givenHold ?? givenKeepalive * 3;
        keepalive = givenKeepalive ?? givenHold / 3;
        var rounded = TimeSpan.FromSeconds(Math.Floor(hold!.Value.TotalSeconds));
        if (rounded != TimeSpan.Zero && rounded < ShortestHold)
        {
            errors.Add(givenHold is null
                ? ("spec.keepaliveTime", $"{spec.KeepaliveTime} implies a hold time of {Seconds(hold.Value)} (three keepalives), and a hold time is 0 or at least 3s (RFC 4271): make the keepalive at least 1s")
                : ("spec.holdTime", $"{spec.HoldTime} is too short: a hold time is 0 or at least 3s (RFC 4271)"));
            return false;
        }

        if (keepalive > hold)
        {
            errors.Add(("spec.keepaliveTime", $"{spec.KeepaliveTime} is longer than the hold time {spec.HoldTime}: make it at most the hold time (a third of it is usual)"));
            return false;
        }

        return true;
    }

    /// <summary>The v0.12 rules of the legacy ConfigMap; false when a time is wrong.</summary>
    public static bool CheckLegacy(BGPPeerSpec spec, List<(string Field, string Message)> errors, out TimeSpan? hold, out TimeSpan? keepalive)
    {
        hold = null;
        keepalive = null;
        if (!TryParse(spec.HoldTime, "spec.holdTime", errors, out var givenHold) | !TryParse(spec.KeepaliveTime, "spec.keepaliveTime", errors, out var givenKeepalive))
        {
            return false;
        }

        hold = givenHold is { } h ? TimeSpan.FromSeconds(Math.Floor(h.TotalSeconds)) : TimeSpan.FromSeconds(90);
        if (hold != TimeSpan.Zero && hold < ShortestHold)
        {
            errors.Add(("spec.holdTime", $"{spec.HoldTime} is too short: a hold time is 0 or at least 3s (RFC 4271)"));
            return false;
        }

        keepalive = givenKeepalive is { } k ? TimeSpan.FromSeconds(Math.Floor(k.TotalSeconds)) : hold / 3;
        if (keepalive > hold)
        {
            errors.Add(("spec.keepaliveTime", $"{spec.KeepaliveTime} is longer than the hold time {spec.HoldTime ?? "90s"}: make it at most the hold time (a third of it is usual)"));
            return false;
        }

        return true;
    }

    /// <summary>The CRD's rules for <c>connectTime</c>: whole seconds from 1 to 65535.</summary>
    public static void CheckConnectTime(BGPPeerSpec spec, List<(string Field, string Message)> errors)
    {
        if (!TryParse(spec.ConnectTime, "spec.connectTime", errors, out var connect) || connect is not { } time)
        {
            return;
        }

        if (time < TimeSpan.FromSeconds(1) || time > TimeSpan.FromSeconds(65535))
        {
            errors.Add(("spec.connectTime", $"{spec.ConnectTime} is out of range: a connect time is from 1s to 65535s"));
        }
        else if (time.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add(("spec.connectTime", $"{spec.ConnectTime} is not a whole number of seconds"));
        }
    }

    /// <summary>A legacy peer once its defaults are filled in, for finding a peer given twice.</summary>
    public static string LegacyIdentity(BGPPeerSpec spec, TimeSpan? hold, TimeSpan? keepalive)
    {
        var selectors = string.Join(';', (spec.NodeSelectors ?? []).Select(s =>
            string.Join(',', (s?.MatchLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))
            + "|" + string.Join(',', (s?.MatchExpressions ?? []).Select(e => $"{e?.Key} {e?.OperatorProperty} {string.Join(' ', e?.Values ?? [])}"))));
        var address = Canonical(spec.PeerAddress);
        return string.Join('\u0001',
            spec.MyAsn, spec.PeerAsn, address, Canonical(spec.SourceAddress), spec.PeerPort ?? 179, hold?.Ticks, keepalive?.Ticks,
            Canonical(spec.RouterId), selectors, spec.Password, spec.BfdProfile, spec.EbgpMultiHop is true);
    }

    private static string Canonical(string? address) =>
        BareLb.Core.Addresses.IPAddr.TryParse(address, out var parsed) ? parsed.ToString() : address ?? "";

    private static bool TryParse(string? text, string field, List<(string Field, string Message)> errors, out TimeSpan? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        value = BgpValueSyntax.ParseDuration(text, out var why);
        if (value is null)
        {
            errors.Add((field, why!));
            return false;
        }

        return true;
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
