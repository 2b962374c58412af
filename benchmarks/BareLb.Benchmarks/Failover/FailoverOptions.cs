using System.Globalization;

namespace BareLb.Benchmarks.Failover;

/// <summary>The failover harness's command line.</summary>
internal sealed record FailoverOptions(int Runs, IReadOnlyList<string> Systems, IReadOnlyList<FailureKind> Kinds, IReadOnlyList<FailureKind> AnchorKinds, string? SpeakerPath)
{
    private static readonly string[] AllSystems = ["barelb", "barelb-k8s", "keepalived", "keepalived-fast", "memberlist"];

    public static FailoverOptions Parse(string[] args)
    {
        var runs = 30;
        IReadOnlyList<string> systems = AllSystems;
        IReadOnlyList<FailureKind> kinds = [FailureKind.Crash, FailureKind.LinkDown, FailureKind.Planned, FailureKind.ProcessKill];
        IReadOnlyList<FailureKind>? anchorKinds = null;
        string? speaker = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs":
                    var text = Value();
                    runs = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000
                        ? n
                        : throw new ArgumentException($"--runs '{text}' must be a whole number from 1 to 10000.");
                    break;
                case "--systems":
                    systems = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    if (systems.FirstOrDefault(s => !AllSystems.Contains(s)) is { } unknown)
                    {
                        throw new ArgumentException($"--systems: unknown system '{unknown}' ({string.Join(", ", AllSystems)}).");
                    }

                    break;
                case "--kinds":
                    kinds = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FailureKinds.Parse)];
                    break;
                case "--anchor-kinds":
                    anchorKinds = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FailureKinds.Parse)];
                    break;
                case "--speaker":
                    speaker = Value();
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}' (--runs N, --systems LIST, --kinds LIST, --anchor-kinds LIST, --speaker PATH).");
            }
        }

        return new FailoverOptions(runs, systems, kinds, anchorKinds ?? kinds, speaker);
    }
}
