using System.CommandLine;
using BareLb.Hosting.Logging;

namespace BareLb.Hosting.CommandLine;

/// <summary>Options every BareLb host has, spelled and defaulted as MetalLB's.</summary>
public static class CommonOptions
{
    /// <summary><c>--log-level</c>: one of MetalLB's levels (all, debug, info, warn, error, none), default info.</summary>
    public static Option<string> LogLevel()
    {
        var option = new Option<string>("--log-level")
        {
            Description = $"the least severe entries logged: {string.Join(", ", LogLevels.Names)} (default {LogLevels.Default})",
            HelpName = "LEVEL",
            DefaultValueFactory = _ => LogLevels.Default,
        };
        option.AcceptOnlyFromAmong([.. LogLevels.Names]);
        return option;
    }

    /// <summary><c>--kubeconfig</c>: a kubeconfig file; otherwise in-cluster, <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public static Option<string?> Kubeconfig() => new("--kubeconfig")
    {
        Description = "a kubeconfig file (default: in-cluster configuration, else $KUBECONFIG or ~/.kube/config)",
        HelpName = "PATH",
    };
}
