using BareLb.Lab.Namespaces;

namespace BareLb.Membership.Tests.Support;

/// <summary>
/// Network namespaces named <c>blm-PID-ID-ROLE</c>, made and removed by BareLb.Lab's
/// <see cref="NetworkNamespaces"/>: created by the test, deleted in finally (processes inside
/// killed first), leftovers of dead test processes swept on first use. Only 198.18.0.0/15
/// addresses are configured in them.
/// </summary>
internal static class Namespaces
{
    public const string Prefix = "blm";
    private static readonly Lazy<IReadOnlyList<string>> Swept = new(() => NetworkNamespaces.Sweep(Prefix));

    public static void RequireRoot()
        => Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN); CI runs them as root.");

    public static string Create(string role)
    {
        _ = Swept.Value;
        var name = NetworkNamespaces.NameOf(Prefix, LabNames.NewId(), role);
        NetworkNamespaces.Create(name);
        return name;
    }

    public static void Delete(string name) => NetworkNamespaces.Delete(name);

    public static string Exec(string ns, string file, params string[] arguments) => NetworkNamespaces.Exec(ns, file, arguments);

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace; sockets created there stay in it.</summary>
    public static T Run<T>(string ns, Func<T> action) => NetworkNamespaces.Run(ns, action);
}
