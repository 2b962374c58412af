namespace BareLb.Lab.Tests;

internal static class Root
{
    public static void Require()
        => Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN); CI runs them as root.");
}
