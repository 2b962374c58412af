using BareLb.Arp;
using BareLb.Arp.Codecs;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Kube.Speaker;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Kubernetes.Announcing;

/// <summary>
/// The Kubernetes speaker's announcer: turns each desired set into <see cref="Layer2Engine"/> calls. An address is
/// announced on the interfaces its advertisements name, or on every fit one (<see cref="AnnounceInterfaces"/>) when
/// one names none; interfaces are attached (an AF_PACKET socket each) the first time an address needs them. What left
/// the set is withdrawn first, at once; what joined it gets its burst of announcements. Addresses shared by several
/// Services come once in the set (the controller counts them), so they stay until no Service needs them here.
/// </summary>
internal sealed partial class EngineAnnouncementSink : IAnnouncementSink
{
    private readonly Layer2Engine _engine;
    private readonly Func<string, IFrameTransport> _open;
    private readonly Func<IPAddr, IReadOnlyList<string>> _fitInterfaces;
    private readonly Func<IReadOnlySet<string>> _allInterfaces;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<IPAddr>> _current = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unusable = new(StringComparer.Ordinal);
    private bool _frozen;

    public EngineAnnouncementSink(Layer2Engine engine, Func<string, IFrameTransport> open, Func<IPAddr, IReadOnlyList<string>> fitInterfaces, Func<IReadOnlySet<string>> allInterfaces, ILogger<EngineAnnouncementSink> logger)
    {
        _engine = engine;
        _open = open;
        _fitInterfaces = fitInterfaces;
        _allInterfaces = allInterfaces;
        _logger = logger;
    }

    /// <inheritdoc/>
    public IReadOnlySet<string>? NodeInterfaces => _allInterfaces();

    /// <summary>What is announced now: each address with the interfaces it is answered on.</summary>
    public IReadOnlyDictionary<IPAddr, IReadOnlyList<string>> Announced
    {
        get
        {
            lock (_gate)
            {
                return _current.SelectMany(static p => p.Value.Select(a => (Address: a, Interface: p.Key)))
                    .GroupBy(static p => p.Address)
                    .ToDictionary(static g => g.Key, static g => (IReadOnlyList<string>)[.. g.Select(static p => p.Interface).Order(StringComparer.Ordinal)]);
            }
        }
    }

    /// <summary>The hardware address of an attached interface (to tell this node's announcements from a successor's).</summary>
    public MacAddress? HardwareAddressOf(string interfaceName)
    {
        lock (_gate)
        {
            return _hardware.TryGetValue(interfaceName, out var mac) ? mac : null;
        }
    }

    private readonly Dictionary<string, MacAddress> _hardware = new(StringComparer.Ordinal);

    /// <summary>From now on <see cref="Apply"/> changes nothing (planned hand-over: keep answering until stopped).</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
        }
    }

    public void Apply(IReadOnlyCollection<DesiredAnnouncement> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_gate)
        {
            if (_frozen)
            {
                return;
            }

            var target = new Dictionary<string, HashSet<IPAddr>>(StringComparer.Ordinal);
            foreach (var announcement in desired)
            {
                var interfaces = announcement.AllInterfaces ? _fitInterfaces(announcement.Address) : [.. announcement.Interfaces];
                if (interfaces.Count == 0)
                {
                    Log.NoInterface(_logger, announcement.Address.ToString(), announcement.AllInterfaces ? "no interface is up, Ethernet and able to carry it" : "its advertisements name no interface");
                }

                foreach (var name in interfaces)
                {
                    if (!target.TryGetValue(name, out var set))
                    {
                        target[name] = set = [];
                    }

                    set.Add(announcement.Address);
                }
            }

            // Stop answering for what left the set before anything else.
            foreach (var (name, announced) in _current)
            {
                var keep = target.GetValueOrDefault(name);
                foreach (var address in announced.Where(a => keep is null || !keep.Contains(a)).ToArray())
                {
                    _engine.Withdraw(name, address);
                    announced.Remove(address);
                    Log.Withdrawn(_logger, address.ToString(), name);
                }
            }

            foreach (var (name, addresses) in target)
            {
                if (!Attach(name))
                {
                    continue;
                }

                var announced = _current[name];
                foreach (var address in addresses)
                {
                    if (announced.Add(address))
                    {
                        _engine.Announce(name, address);
                        Log.Announced(_logger, address.ToString(), name);
                    }
                }
            }
        }
    }

    /// <summary>A fresh burst for every address announced now, on every interface it is announced on; nothing stops.</summary>
    public void Reannounce()
    {
        lock (_gate)
        {
            if (_frozen)
            {
                return;
            }

            foreach (var (name, announced) in _current)
            {
                foreach (var address in announced)
                {
                    _engine.Reannounce(name, address);
                }
            }
        }
    }

    private bool Attach(string name)
    {
        if (_current.ContainsKey(name))
        {
            return true;
        }

        IFrameTransport transport;
        try
        {
            transport = _open(name);
        }
        catch (FrameTransportException e)
        {
            if (_unusable.Add(name))
            {
                Log.CannotAttach(_logger, name, e.Message);
            }

            return false;
        }

        _unusable.Remove(name);
        _engine.AddInterface(transport);
        _hardware[name] = transport.HardwareAddress;
        _current[name] = [];
        Log.Attached(_logger, name, transport.HardwareAddress.ToString());
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(5130, LogLevel.Information, "Announcing {Address} on {Interface}")]
        public static partial void Announced(ILogger logger, string address, string @interface);

        [LoggerMessage(5131, LogLevel.Information, "Withdrew {Address} on {Interface}: no longer answered here")]
        public static partial void Withdrawn(ILogger logger, string address, string @interface);

        [LoggerMessage(5132, LogLevel.Warning, "Cannot announce on interface {Interface}: {Reason}; its addresses are not announced there")]
        public static partial void CannotAttach(ILogger logger, string @interface, string reason);

        [LoggerMessage(5133, LogLevel.Information, "Answering on {Interface} as {HardwareAddress}")]
        public static partial void Attached(ILogger logger, string @interface, string hardwareAddress);

        [LoggerMessage(5134, LogLevel.Warning, "{Address} is this node's to announce but has nowhere to go: {Reason}")]
        public static partial void NoInterface(ILogger logger, string address, string reason);
    }
}
