using BareLb.Lab.Namespaces;

namespace BareLb.Hosts.Tests.Network;

/// <summary>
/// Network namespaces named <c>blt-PID-ID-ROLE</c>, made and removed by BareLb.Lab's
/// <see cref="NetworkNamespaces"/> (which kills what runs inside before deleting, and sweeps the
/// leftovers of test processes that no longer run on first use). Only 198.18.0.0/15 and
/// 2001:db8::/32 addresses are ever configured in them.
/// </summary>
internal static class Namespaces
{
    public const string Prefix = "blt";
    private static readonly Lazy<IReadOnlyList<string>> Swept = new(() => NetworkNamespaces.Sweep(Prefix));

    public static string Create(string role)
    {
        _ = Swept.Value;
        var name = NetworkNamespaces.NameOf(Prefix, LabNames.NewId(), role);
        NetworkNamespaces.Create(name);
        return name;
    }

    public static void Delete(string name) => NetworkNamespaces.Delete(name);

    public static string Exec(string ns, string file, params string[] arguments) => Shell.Must("ip", ["netns", "exec", ns, file, .. arguments]);

    public static Shell.Result TryExec(string ns, string file, params string[] arguments) => Shell.Run("ip", ["netns", "exec", ns, file, .. arguments]);
}
