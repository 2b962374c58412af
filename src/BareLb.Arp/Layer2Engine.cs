using System.Diagnostics.Metrics;
using BareLb.Arp.Engine;
using BareLb.Arp.Metrics;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Arp;

/// <summary>
/// Makes service addresses reachable on Ethernet links: answers ARP requests and neighbor
/// solicitations for the addresses announced on each interface, and announces an address
/// (gratuitous ARP, unsolicited neighbor advertisement) when it is gained. Thread-safe.
/// </summary>
public sealed class Layer2Engine : IDisposable
{
    private readonly Layer2Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Layer2Metrics _metrics;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InterfaceContext> _interfaces = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates an engine with no interfaces.</summary>
    /// <param name="options">Announcement and rate-limit settings; validated here.</param>
    /// <param name="timeProvider">The clock for announcements and rate limits; the system clock by default.</param>
    /// <param name="loggerFactory">Where logs go; nowhere by default.</param>
    /// <param name="meterFactory">Creates the <c>BareLb.Arp</c> meter; a standalone meter by default.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public Layer2Engine(Layer2Options options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("BareLb.Arp");
        _metrics = new Layer2Metrics(meterFactory);
    }

    /// <summary>The name of the meter the engine's instruments live on.</summary>
    public static string MeterName => Layer2Metrics.MeterName;

    /// <summary>
    /// Why interfaces stopped answering for good: one line per interface whose transport failed in a way the engine
    /// cannot recover from (its receive thread ended). Empty while every interface works; a host reports it on /healthz.
    /// </summary>
    public IReadOnlyList<string> Faults
    {
        get
        {
            lock (_gate)
            {
                return [.. _interfaces.Values.Select(i => i.Fault).OfType<string>().Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Names of the interfaces the engine listens on.</summary>
    public IReadOnlyList<string> Interfaces
    {
        get
        {
            lock (_gate)
            {
                return [.. _interfaces.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Starts answering on an interface. The engine owns the transport from now on and disposes it.</summary>
    /// <exception cref="InvalidOperationException">An interface of that name is already attached.</exception>
    public void AddInterface(IFrameTransport transport) => AddInterface(transport, []);

    /// <summary>
    /// Starts answering on an interface for <paramref name="addresses"/>, which are announced
    /// before the first frame is read. The engine owns the transport from now on and disposes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">An interface of that name is already attached.</exception>
    /// <exception cref="ArgumentException">An address cannot be announced.</exception>
    public void AddInterface(IFrameTransport transport, IEnumerable<IPAddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(addresses);
        var initial = addresses.ToArray();
        foreach (var address in initial)
        {
            if (!IsAnnounceable(address, out var why))
            {
                throw new ArgumentException($"{address} cannot be announced: {why}.", nameof(addresses));
            }
        }

        InterfaceContext context;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_interfaces.ContainsKey(transport.InterfaceName))
            {
                throw new InvalidOperationException($"Interface {transport.InterfaceName} is already attached.");
            }

            context = new InterfaceContext(transport, _options, _time, _metrics, _logger);
            _interfaces.Add(transport.InterfaceName, context);
        }

        foreach (var address in initial)
        {
            context.Announce(address);
        }

        context.Start();
    }

    /// <summary>Stops answering on an interface and disposes its transport; false if it was not attached.</summary>
    public bool RemoveInterface(string interfaceName)
    {
        InterfaceContext? context;
        lock (_gate)
        {
            _interfaces.Remove(interfaceName, out context);
        }

        context?.Dispose();
        return context is not null;
    }

    /// <summary>
    /// Starts answering for <paramref name="address"/> on an interface and sends its burst of
    /// announcements. Returns false if it was already announced there.
    /// </summary>
    /// <exception cref="ArgumentException">The address cannot be announced (unspecified, loopback, multicast or broadcast).</exception>
    /// <exception cref="InvalidOperationException">The interface is not attached.</exception>
    public bool Announce(string interfaceName, IPAddr address)
    {
        if (!IsAnnounceable(address, out var why))
        {
            throw new ArgumentException($"{address} cannot be announced: {why}.", nameof(address));
        }

        return Get(interfaceName).Announce(address);
    }

    /// <summary>
    /// Sends a fresh burst of announcements for an address already announced on an interface, without a moment of
    /// silence: the burst starts again from its first frame, sent at once. Neighbours whose caches point elsewhere
    /// (another node announced the address while the cluster was split) converge on this interface. Returns false if
    /// the address is not announced there.
    /// </summary>
    /// <exception cref="InvalidOperationException">The interface is not attached.</exception>
    public bool Reannounce(string interfaceName, IPAddr address) => Get(interfaceName).Reannounce(address);

    /// <summary>Stops answering for an address at once; false if it was not announced there.</summary>
    /// <exception cref="InvalidOperationException">The interface is not attached.</exception>
    public bool Withdraw(string interfaceName, IPAddr address) => Get(interfaceName).Withdraw(address);

    /// <summary>The addresses announced on an interface, in order.</summary>
    /// <exception cref="InvalidOperationException">The interface is not attached.</exception>
    public IReadOnlyList<IPAddr> GetAnnounced(string interfaceName) => Get(interfaceName).Announced();

    /// <summary>Whether an address may be announced; if not, <paramref name="reason"/> says why.</summary>
    public static bool IsAnnounceable(IPAddr address, out string reason)
    {
        if (address.IsIPv4)
        {
            var v = address.ToUInt32();
            reason = v == 0 ? "it is the unspecified address"
                : (v >> 24) == 127 ? "it is a loopback address"
                : (v >> 28) == 0xE ? "it is a multicast address"
                : v == uint.MaxValue ? "it is the broadcast address"
                : string.Empty;
        }
        else
        {
            var v = address.Value;
            reason = v == UInt128.Zero ? "it is the unspecified address"
                : v == UInt128.One ? "it is the loopback address"
                : Codecs.IPv6Addresses.IsMulticast(v) ? "it is a multicast address"
                : string.Empty;
        }

        return reason.Length == 0;
    }

    /// <summary>Stops all interfaces: answering stops at once, receive threads end, transports are disposed.</summary>
    public void Dispose()
    {
        InterfaceContext[] all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _interfaces.Values];
            _interfaces.Clear();
        }

        foreach (var context in all)
        {
            context.Dispose();
        }

        _metrics.Dispose();
    }

    private InterfaceContext Get(string interfaceName)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _interfaces.TryGetValue(interfaceName, out var context)
                ? context
                : throw new InvalidOperationException($"Interface {interfaceName} is not attached to the engine.");
        }
    }
}
