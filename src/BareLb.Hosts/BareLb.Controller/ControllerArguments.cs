namespace BareLb.Controller;

/// <summary>The command line of barelb-controller, validated before anything starts.</summary>
internal sealed record ControllerArguments
{
    public const string Usage = """
        usage: barelb-controller [--kubeconfig PATH] [--namespace NS] [--lb-class CLASS] [--listen HOST:PORT] [--identity NAME] [--lease-duration SECONDS]
          --kubeconfig PATH   a kubeconfig file (default: in-cluster configuration, else $KUBECONFIG or ~/.kube/config)
          --namespace NS      where the configuration and the leader Lease live (default metallb-system)
          --lb-class CLASS    handle only Services of this loadBalancerClass (default: those with none)
          --listen HOST:PORT  serve /healthz, /readyz and /metrics here (default 127.0.0.1:7472; port 0 picks a free one)
          --identity NAME     this replica's name in the leader Lease (default $POD_NAME, else the host name)
          --lease-duration SECONDS
                              how long a leader that stopped renewing keeps the Lease, i.e. the longest hand-over
                              (default 15; it renews within 2/3 of it and retries every 2/15 of it, as client-go)
        """;

    public string? Kubeconfig { get; init; }

    public string Namespace { get; init; } = "metallb-system";

    public string? LoadBalancerClass { get; init; }

    public string Listen { get; init; } = "127.0.0.1:7472";

    public string Identity { get; init; } = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public static bool TryParse(IReadOnlyList<string> args, out ControllerArguments parsed, out string? error)
    {
        parsed = new ControllerArguments();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                error = "";
                return false;
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"{flag} needs a value";
                return false;
            }

            var value = args[++i];
            switch (flag)
            {
                case "--kubeconfig":
                    if (!File.Exists(value))
                    {
                        error = $"--kubeconfig {value}: no such file";
                        return false;
                    }

                    parsed = parsed with { Kubeconfig = value };
                    break;
                case "--namespace":
                    parsed = parsed with { Namespace = value };
                    break;
                case "--lb-class":
                    parsed = parsed with { LoadBalancerClass = value };
                    break;
                case "--listen":
                    var colon = value.LastIndexOf(':');
                    if (colon <= 0 || !ushort.TryParse(value.AsSpan(colon + 1), out _))
                    {
                        error = $"--listen {value}: expected HOST:PORT, e.g. 127.0.0.1:7472";
                        return false;
                    }

                    parsed = parsed with { Listen = value };
                    break;
                case "--identity":
                    parsed = parsed with { Identity = value };
                    break;
                case "--lease-duration":
                    if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 1 && seconds <= 3600))
                    {
                        error = $"--lease-duration {value}: expected a number of seconds from 1 to 3600";
                        return false;
                    }

                    parsed = parsed with { LeaseDuration = TimeSpan.FromSeconds(seconds) };
                    break;
                default:
                    error = $"unknown option {flag}";
                    return false;
            }
        }

        return true;
    }
}
