using BareLb.Core.Allocation;
using BareLb.Core.Pools;

namespace BareLb.Core.Tests;

/// <summary>Short ways to write pools and requests in tests.</summary>
internal static class TestPools
{
    public static AddressPoolSpec Pool(string name, params string[] addresses) => new() { Name = name, Addresses = addresses };

    public static PoolConfiguration Config(params AddressPoolSpec[] pools) => PoolConfiguration.Create(pools);

    /// <summary>The guide's ConfigMap pool, with the test network's addresses in place of 192.168.35.x.</summary>
    public static PoolConfiguration Tutorial() => Config(Pool("default", "198.18.35.100-198.18.35.110"));

    public static ServiceRequest Service(string ns, string name, params ServicePort[] ports) =>
        new() { Key = new ServiceKey(ns, name), Ports = ports };

    public static ServicePort Tcp(int port) => new(TransportProtocol.Tcp, port);

    public static ServicePort Udp(int port) => new(TransportProtocol.Udp, port);
}
