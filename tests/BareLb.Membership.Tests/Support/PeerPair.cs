namespace BareLb.Membership.Tests.Support;

/// <summary>
/// Two namespaces joined by a veth pair: <see cref="Go"/> at <see cref="GoAddress"/> (198.18.7.1)
/// and <see cref="Ours"/> at <see cref="OurAddress"/> (198.18.7.2). Disposing deletes both.
/// </summary>
internal sealed class PeerPair : IDisposable
{
    public const string GoAddress = "198.18.7.1";
    public const string OurAddress = "198.18.7.2";

    public PeerPair()
    {
        Go = Namespaces.Create("go");
        try
        {
            Ours = Namespaces.Create("net");
            Namespaces.Exec(Go, "ip", "link", "add", "vg", "type", "veth", "peer", "name", "vn", "netns", Ours);
            Namespaces.Exec(Go, "ip", "addr", "add", GoAddress + "/24", "dev", "vg");
            Namespaces.Exec(Ours, "ip", "addr", "add", OurAddress + "/24", "dev", "vn");
            Namespaces.Exec(Go, "ip", "link", "set", "vg", "up");
            Namespaces.Exec(Ours, "ip", "link", "set", "vn", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Go { get; }

    public string Ours { get; } = string.Empty;

    public void Dispose()
    {
        if (Ours.Length > 0)
        {
            Namespaces.Delete(Ours);
        }

        Namespaces.Delete(Go);
    }
}
