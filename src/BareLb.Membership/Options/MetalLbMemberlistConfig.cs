using System.Text.Json;

namespace BareLb.Membership.Options;

/// <summary>
/// MetalLB's memberlist tuning file (<c>/etc/metallb/memberlist/config.json</c>, mounted from the
/// <c>metallb-memberlist-config</c> ConfigMap): memberlist's <c>Config</c> fields that MetalLB lets
/// users set, durations in Go's format. MetalLB requires every field; so does this parser, and it
/// names the field and the reason when one is missing or malformed. <see cref="ApplyTo"/> copies
/// the fields that the protocol uses; the transport's fields (compression, verification of
/// incoming and outgoing encryption) are exposed here for it.
/// </summary>
public sealed record MetalLbMemberlistConfig
{
    /// <summary>The path MetalLB's speaker reads the file from.</summary>
    public const string DefaultPath = "/etc/metallb/memberlist/config.json";

    /// <summary>memberlist <c>TCPTimeout</c>.</summary>
    public TimeSpan TcpTimeout { get; init; }

    /// <summary>memberlist <c>IndirectChecks</c>.</summary>
    public int IndirectChecks { get; init; }

    /// <summary>memberlist <c>RetransmitMult</c>.</summary>
    public int RetransmitMult { get; init; }

    /// <summary>memberlist <c>SuspicionMult</c>.</summary>
    public int SuspicionMult { get; init; }

    /// <summary>memberlist <c>SuspicionMaxTimeoutMult</c>.</summary>
    public int SuspicionMaxTimeoutMult { get; init; }

    /// <summary>memberlist <c>PushPullInterval</c>.</summary>
    public TimeSpan PushPullInterval { get; init; }

    /// <summary>memberlist <c>ProbeTimeout</c>.</summary>
    public TimeSpan ProbeTimeout { get; init; }

    /// <summary>memberlist <c>ProbeInterval</c>.</summary>
    public TimeSpan ProbeInterval { get; init; }

    /// <summary>memberlist <c>DisableTcpPings</c>.</summary>
    public bool DisableTcpPings { get; init; }

    /// <summary>memberlist <c>AwarenessMaxMultiplier</c>.</summary>
    public int AwarenessMaxMultiplier { get; init; }

    /// <summary>memberlist <c>GossipNodes</c>.</summary>
    public int GossipNodes { get; init; }

    /// <summary>memberlist <c>GossipInterval</c>.</summary>
    public TimeSpan GossipInterval { get; init; }

    /// <summary>memberlist <c>GossipToTheDeadTime</c>.</summary>
    public TimeSpan GossipToTheDeadTime { get; init; }

    /// <summary>memberlist <c>GossipVerifyIncoming</c> (the transport's: whether unencrypted packets are refused).</summary>
    public bool GossipVerifyIncoming { get; init; }

    /// <summary>memberlist <c>GossipVerifyOutgoing</c> (the transport's: whether packets are sent encrypted).</summary>
    public bool GossipVerifyOutgoing { get; init; }

    /// <summary>memberlist <c>EnableCompression</c> (the transport's).</summary>
    public bool EnableCompression { get; init; }

    /// <summary>memberlist <c>HandoffQueueDepth</c> (the transport's receive queue).</summary>
    public int HandoffQueueDepth { get; init; }

    /// <summary>memberlist <c>UDPBufferSize</c>.</summary>
    public int UdpBufferSize { get; init; }

    /// <summary>memberlist <c>QueueCheckInterval</c> (only sampled by memberlist for its metrics; not used here).</summary>
    public TimeSpan QueueCheckInterval { get; init; }

    /// <summary>
    /// Options built from memberlist's LAN defaults (as MetalLB starts from <c>DefaultLANConfig</c>)
    /// with this file's fields applied: the fields the file does not have keep memberlist's values.
    /// </summary>
    public MembershipOptions ToOptions()
    {
        var options = MembershipOptions.MemberlistLan();
        ApplyTo(options);
        return options;
    }

    /// <summary>Copies the fields that the protocol uses into <paramref name="options"/>.</summary>
    public void ApplyTo(MembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.TcpTimeout = TcpTimeout;
        options.IndirectChecks = IndirectChecks;
        options.RetransmitMult = RetransmitMult;
        options.SuspicionMult = SuspicionMult;
        options.SuspicionMaxTimeoutMult = SuspicionMaxTimeoutMult;
        options.PushPullInterval = PushPullInterval;
        options.ProbeTimeout = ProbeTimeout;
        options.ProbeInterval = ProbeInterval;
        options.DisableTcpPings = DisableTcpPings;
        options.AwarenessMaxMultiplier = AwarenessMaxMultiplier;
        options.GossipNodes = GossipNodes;
        options.GossipInterval = GossipInterval;
        options.GossipToTheDeadTime = GossipToTheDeadTime;
        options.UdpBufferSize = UdpBufferSize;
    }

    /// <summary>Parses the file's JSON; false with one message per problem (naming the file, the field and the reason) when it is not valid.</summary>
    public static bool TryParse(string json, string source, out MetalLbMemberlistConfig? config, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(json);
        var problems = new List<string>();
        errors = problems;
        config = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problems.Add($"{source}: not valid JSON: {e.Message}");
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{source}: expected a JSON object, found {root.ValueKind}.");
                return false;
            }

            var reader = new FieldReader(root, source, problems);
            var parsed = new MetalLbMemberlistConfig
            {
                TcpTimeout = reader.Duration("TCPTimeout"),
                IndirectChecks = reader.Int("IndirectChecks"),
                RetransmitMult = reader.Int("RetransmitMult"),
                SuspicionMult = reader.Int("SuspicionMult"),
                SuspicionMaxTimeoutMult = reader.Int("SuspicionMaxTimeoutMult"),
                PushPullInterval = reader.Duration("PushPullInterval"),
                ProbeTimeout = reader.Duration("ProbeTimeout"),
                ProbeInterval = reader.Duration("ProbeInterval"),
                DisableTcpPings = reader.Bool("DisableTcpPings"),
                AwarenessMaxMultiplier = reader.Int("AwarenessMaxMultiplier"),
                GossipNodes = reader.Int("GossipNodes"),
                GossipInterval = reader.Duration("GossipInterval"),
                GossipToTheDeadTime = reader.Duration("GossipToTheDeadTime"),
                GossipVerifyIncoming = reader.Bool("GossipVerifyIncoming"),
                GossipVerifyOutgoing = reader.Bool("GossipVerifyOutgoing"),
                EnableCompression = reader.Bool("EnableCompression"),
                HandoffQueueDepth = reader.Int("HandoffQueueDepth"),
                UdpBufferSize = reader.Int("UDPBufferSize"),
                QueueCheckInterval = reader.Duration("QueueCheckInterval"),
            };
            if (problems.Count > 0)
            {
                return false;
            }

            config = parsed;
            return true;
        }
    }

    private readonly struct FieldReader(JsonElement root, string source, List<string> problems)
    {
        public int Int(string name)
        {
            if (!Find(name, out var value))
            {
                return 0;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                problems.Add($"{source}: field {name}: expected a whole number, found {Show(value)}.");
                return 0;
            }

            return number;
        }

        public bool Bool(string name)
        {
            if (!Find(name, out var value))
            {
                return false;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add($"{source}: field {name}: expected true or false, found {Show(value)}.");
                return false;
            }

            return value.GetBoolean();
        }

        public TimeSpan Duration(string name)
        {
            if (!Find(name, out var value))
            {
                return TimeSpan.Zero;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{source}: field {name}: expected a Go duration string such as \"500ms\", found {Show(value)}.");
                return TimeSpan.Zero;
            }

            if (!GoDuration.TryParse(value.GetString(), out var duration, out var error))
            {
                problems.Add($"{source}: field {name}: {error}.");
                return TimeSpan.Zero;
            }

            return duration;
        }

        private bool Find(string name, out JsonElement value)
        {
            // encoding/json matches field names case-insensitively; so does this.
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }

            problems.Add($"{source}: field {name} is missing (MetalLB requires every field of the file).");
            value = default;
            return false;
        }

        private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.String ? $"\"{value.GetString()}\"" : value.GetRawText();
    }
}
