using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using BareLb.Membership.Codec;
using BareLb.Membership.Options;
using BareLb.Membership.Security;
using BareLb.Membership.Transport;
using Microsoft.Extensions.Logging;

namespace BareLb.Membership.Hosting;

/// <summary>
/// Everything a <see cref="MembershipNode"/> needs: who it is (<see cref="NodeName"/>), where it
/// listens and where others reach it, the cluster's key, the protocol's timings, and the clock,
/// logs and metrics it uses. Checked by <see cref="Validate"/> when the node starts.
/// </summary>
public sealed class MembershipNodeOptions
{
    /// <summary>The member's name, unique in the cluster (MetalLB uses the Kubernetes node name). Default: the host name.</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>The address to bind the UDP socket and TCP listener to (default: all IPv4 addresses).</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>The UDP and TCP port (default 7946, memberlist's; 0 picks a free port).</summary>
    public int BindPort { get; set; } = MemberlistTransportOptions.DefaultPort;

    /// <summary>
    /// The address other members reach this one at (memberlist's <c>AdvertiseAddr</c>). Default: the
    /// <see cref="BindAddress"/>, which must then be a specific address, not a wildcard.
    /// </summary>
    public IPAddress? AdvertiseAddress { get; set; }

    /// <summary>The port other members reach this one at. Default: the bound port.</summary>
    public int? AdvertisePort { get; set; }

    /// <summary>
    /// The cluster's AES key (16, 24 or 32 bytes), as <see cref="MetalLbSecret.ReadKey"/> derives it
    /// from MetalLB's <c>memberlist</c> Secret. Null with a null <see cref="Keyring"/>: no encryption.
    /// Set this or <see cref="Keyring"/>, not both.
    /// </summary>
    public byte[]? SecretKey { get; set; }

    /// <summary>The cluster's keys when they rotate (the first encrypts, all decrypt). Set this or <see cref="SecretKey"/>, not both.</summary>
    public Keyring? Keyring { get; set; }

    /// <summary>memberlist's label, which separates clusters sharing a network (empty: none, as MetalLB). At most 255 UTF-8 bytes.</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>Whether packets are compressed when that makes them smaller (memberlist's <c>EnableCompression</c>, on by default).</summary>
    public bool Compress { get; set; } = true;

    /// <summary>The protocol's timings (BareLb's fast defaults; <see cref="MembershipOptions.MemberlistLan"/> for memberlist's).</summary>
    public MembershipOptions Timings { get; set; } = new();

    /// <summary>How long opening a TCP stream to a peer may take (memberlist's <c>TCPTimeout</c>).</summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock of every timer (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the node logs (null: nowhere).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Where the node publishes its metrics, meter <c>BareLb.Membership</c> (null: the process-wide meters).</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// Creates the node's sockets, for example inside another network namespace (a socket stays in
    /// the namespace it was created in); null creates them in the current one.
    /// </summary>
    public Func<AddressFamily, SocketType, ProtocolType, Socket>? SocketFactory { get; set; }

    /// <summary>Returns one message per invalid option, naming it and the reason; empty when all are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            errors.Add("MembershipNodeOptions.NodeName is required (a name unique in the cluster).");
        }

        if (BindAddress is null)
        {
            errors.Add("MembershipNodeOptions.BindAddress is required.");
        }

        if (BindPort is < 0 or > 65535)
        {
            errors.Add($"MembershipNodeOptions.BindPort {BindPort} is not a port (0 to 65535).");
        }

        var advertise = AdvertiseAddress ?? BindAddress;
        if (advertise is not null && (advertise.Equals(IPAddress.Any) || advertise.Equals(IPAddress.IPv6Any)))
        {
            errors.Add($"MembershipNodeOptions.AdvertiseAddress is required when BindAddress is the wildcard {BindAddress}: other members need an address to reach this one.");
        }

        if (AdvertisePort is < 1 or > 65535)
        {
            errors.Add($"MembershipNodeOptions.AdvertisePort {AdvertisePort} is not a port (1 to 65535).");
        }

        if (SecretKey is not null && Keyring is not null)
        {
            errors.Add("MembershipNodeOptions.SecretKey and Keyring are both set; set one.");
        }

        if (SecretKey is not null && SecretKey.Length is not (16 or 24 or 32))
        {
            errors.Add($"MembershipNodeOptions.SecretKey is {SecretKey.Length} bytes long; memberlist keys are 16, 24 or 32 bytes.");
        }

        if (Label is null || System.Text.Encoding.UTF8.GetByteCount(Label) > 255)
        {
            errors.Add("MembershipNodeOptions.Label must be at most 255 UTF-8 bytes.");
        }

        if (StreamTimeout <= TimeSpan.Zero)
        {
            errors.Add($"MembershipNodeOptions.StreamTimeout {StreamTimeout} must be positive.");
        }

        if (TimeProvider is null)
        {
            errors.Add("MembershipNodeOptions.TimeProvider is required.");
        }

        if (Timings is null)
        {
            errors.Add("MembershipNodeOptions.Timings is required.");
        }
        else
        {
            errors.AddRange(Timings.Validate().Select(static e => "MembershipNodeOptions.Timings." + e));
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option, if any.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid membership node options: " + string.Join(" ", errors));
        }
    }

    internal WireSettings WireSettings() => new()
    {
        Keyring = Keyring ?? (SecretKey is null ? null : new Keyring([SecretKey])),
        Label = Label,
        Compress = Compress,
    };
}
