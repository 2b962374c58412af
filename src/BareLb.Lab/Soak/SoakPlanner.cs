using System.Globalization;

namespace BareLb.Lab.Soak;

/// <summary>
/// Chooses the soak's steps at random from a seed: the same seed and the same outcomes give the
/// same steps. Each choice is applied to the <see cref="SoakState"/> by <see cref="Apply"/> once carried out.
/// </summary>
internal sealed class SoakPlanner
{
    private readonly Random _random;
    private readonly IReadOnlyList<string> _nodes;
    private readonly int _maxServices;

    public SoakPlanner(int seed, IReadOnlyList<string> nodes, int maxServices)
    {
#pragma warning disable CA5394 // Reproducible steps, not security.
        _random = new Random(seed);
#pragma warning restore CA5394
        _nodes = nodes.Count > 0 ? nodes : throw new LabException("Soak: the cluster has no nodes.");
        _maxServices = maxServices;
    }

    /// <summary>The next step given what the cluster holds now.</summary>
    public SoakStep Next(SoakState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var count = state.Services.Count;
        var weights = new List<(SoakActionKind Kind, int Weight)>
        {
            (SoakActionKind.CreateService, count < _maxServices ? (count < 2 ? 6 : 3) : 0),
            (SoakActionKind.DeleteService, count > 1 ? 2 : 0),
            (SoakActionKind.SwitchType, count > 0 ? 2 : 0),
            (SoakActionKind.SwitchFamily, count > 0 ? 2 : 0),
            (SoakActionKind.KillSpeaker, 3),
            (SoakActionKind.RestartSpeaker, 2),
            (SoakActionKind.FlapLink, 3),
            (SoakActionKind.ChangeConfiguration, 2),
        };
        var pick = Next(weights.Sum(w => w.Weight));
        var kind = weights.First(w => (pick -= w.Weight) < 0).Kind;
        var services = state.Services.Values.ToList();
        var node = _nodes[Next(_nodes.Count)];
        var pause = TimeSpan.FromMilliseconds(500 + Next(2500));
        var c = CultureInfo.InvariantCulture;
        switch (kind)
        {
            case SoakActionKind.CreateService:
                {
                    var family = (SoakFamily)Next(4);
                    var pool = state.SecondPool && Next(4) == 0 ? "soak-b" : null;
                    var service = new SoakService(string.Create(c, $"s{state.NextService}"), true, family, pool);
                    return new SoakStep(kind, service.Name, service, TimeSpan.Zero, $"create LoadBalancer Service {service.Name} ({Describe(family)}{(pool is null ? "" : ", pool " + pool)})");
                }

            case SoakActionKind.DeleteService:
                {
                    var service = services[Next(services.Count)];
                    return new SoakStep(kind, service.Name, null, TimeSpan.Zero, $"delete Service {service.Name}");
                }

            case SoakActionKind.SwitchType:
                {
                    var service = services[Next(services.Count)];
                    var switched = service with { LoadBalancer = !service.LoadBalancer };
                    return new SoakStep(kind, service.Name, switched, TimeSpan.Zero, $"switch Service {service.Name} to {(switched.LoadBalancer ? "LoadBalancer" : "ClusterIP")}");
                }

            case SoakActionKind.SwitchFamily:
                {
                    var service = services[Next(services.Count)];
                    SoakFamily[] others = [.. Enum.GetValues<SoakFamily>().Where(f => f != service.Family)];
                    var switched = service with { Family = others[Next(others.Length)] };
                    return new SoakStep(kind, service.Name, switched, TimeSpan.Zero, $"switch Service {service.Name} from {Describe(service.Family)} to {Describe(switched.Family)}");
                }

            case SoakActionKind.KillSpeaker:
                return new SoakStep(kind, node, null, pause, string.Create(c, $"kill the speaker on {node} (SIGKILL), start it {pause.TotalSeconds:0.0} s later"));

            case SoakActionKind.RestartSpeaker:
                return new SoakStep(kind, node, null, pause, string.Create(c, $"stop the speaker on {node} (SIGTERM), start it {pause.TotalSeconds:0.0} s later"));

            case SoakActionKind.FlapLink:
                return new SoakStep(kind, node, null, pause, string.Create(c, $"set {node}'s link down for {pause.TotalSeconds:0.0} s"));

            default:
                if (Next(2) == 0)
                {
                    return new SoakStep(kind, "soak-b", null, TimeSpan.Zero, state.SecondPool ? "delete the IPAddressPool soak-b" : "create the IPAddressPool soak-b");
                }

                var excluded = state.ExcludedNode is null ? node : null;
                return new SoakStep(kind, excluded ?? "", null, TimeSpan.Zero, excluded is null
                    ? "L2Advertisement soak selects every node again"
                    : $"L2Advertisement soak leaves out {excluded}");
        }
    }

    /// <summary>Records in <paramref name="state"/> what a carried-out step changed.</summary>
    public static void Apply(SoakState state, SoakStep step)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(step);
        switch (step.Kind)
        {
            case SoakActionKind.CreateService:
                state.Services[step.Target] = step.Service!;
                state.NextService++;
                break;
            case SoakActionKind.DeleteService:
                state.Services.Remove(step.Target);
                break;
            case SoakActionKind.SwitchType or SoakActionKind.SwitchFamily:
                state.Services[step.Target] = step.Service!;
                break;
            case SoakActionKind.ChangeConfiguration when step.Target == "soak-b":
                state.SecondPool = !state.SecondPool;
                break;
            case SoakActionKind.ChangeConfiguration:
                state.ExcludedNode = step.Target.Length == 0 ? null : step.Target;
                break;
            default:
                break;
        }
    }

    /// <summary>A family in words.</summary>
    public static string Describe(SoakFamily family) => family switch
    {
        SoakFamily.IPv4 => "IPv4",
        SoakFamily.IPv6 => "IPv6",
        SoakFamily.DualIPv4First => "dual stack, IPv4 first",
        _ => "dual stack, IPv6 first",
    };

#pragma warning disable CA5394 // Reproducible steps, not security.
    private int Next(int bound) => _random.Next(bound);
#pragma warning restore CA5394
}
