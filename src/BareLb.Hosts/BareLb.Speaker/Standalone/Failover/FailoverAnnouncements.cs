using BareLb.Arp;
using BareLb.Core.Addresses;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Standalone.Failover;

/// <summary>
/// What one appliance announces, from the live members it sees: each address Core's election gives it is
/// announced (a burst as it is gained), each it lost is withdrawn at once. When a member joins or comes back
/// (<see cref="Apply"/> with <c>memberReturned</c>), the addresses this appliance keeps get a fresh burst: the
/// member may have been cut off and announced them itself meanwhile, and a client whose cache still points at it
/// would otherwise wait for the cache to expire (seconds) before it finds the true owner. Not thread-safe: the
/// caller serialises calls.
/// </summary>
internal sealed partial class FailoverAnnouncements
{
    private readonly Layer2Engine _engine;
    private readonly string _interfaceName;
    private readonly string _self;
    private readonly IReadOnlyList<IPAddr> _addresses;
    private readonly ILogger _logger;
    private readonly HashSet<IPAddr> _announced = [];

    public FailoverAnnouncements(Layer2Engine engine, string interfaceName, string self, IReadOnlyList<IPAddr> addresses, ILogger logger)
    {
        _engine = engine;
        _interfaceName = interfaceName;
        _self = self;
        _addresses = addresses;
        _logger = logger;
    }

    /// <summary>The addresses announced now.</summary>
    public IReadOnlyCollection<IPAddr> Announced => [.. _announced];

    /// <summary>
    /// Announces what the election among <paramref name="liveMembers"/> gives this appliance and withdraws the rest;
    /// with <paramref name="memberReturned"/>, also sends a fresh burst for each address it keeps.
    /// </summary>
    public void Apply(IReadOnlyCollection<string> liveMembers, bool memberReturned)
    {
        var winners = AddressElection.Winners(liveMembers, _addresses);
        var reannounced = 0;
        foreach (var address in _addresses)
        {
            var mine = winners.TryGetValue(address, out var winner) && string.Equals(winner, _self, StringComparison.Ordinal);
            if (mine && _announced.Add(address))
            {
                _engine.Announce(_interfaceName, address);
                Log.Gained(_logger, address.ToString(), liveMembers.Count);
            }
            else if (mine && memberReturned && _engine.Reannounce(_interfaceName, address))
            {
                reannounced++;
            }
            else if (!mine && _announced.Remove(address))
            {
                _engine.Withdraw(_interfaceName, address);
                Log.Lost(_logger, address.ToString(), winner ?? "(none)");
            }
        }

        if (reannounced > 0)
        {
            Log.Reannounced(_logger, reannounced);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5011, LogLevel.Information, "Announcing {Address}: elected among {Live} live member(s)")]
        public static partial void Gained(ILogger logger, string address, int live);

        [LoggerMessage(5012, LogLevel.Information, "Withdrew {Address}: {Winner} announces it now")]
        public static partial void Lost(ILogger logger, string address, string winner);

        [LoggerMessage(5020, LogLevel.Information, "A member joined or came back: announced the {Count} address(es) kept here again, so that clients that followed it while the cluster was split come back")]
        public static partial void Reannounced(ILogger logger, int count);
    }
}
