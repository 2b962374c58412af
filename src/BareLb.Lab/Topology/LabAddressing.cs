using System.Net;

namespace BareLb.Lab.Topology;

/// <summary>
/// Which host number each member of a lab gets in its subnets: the client 1, the API 2, pod host p
/// 2 + p (3 to 10), node n 10 + n (so 198.18.35.11 to .13 for three nodes); 100 and up are left for
/// service addresses.
/// </summary>
public static class LabAddressing
{
    /// <summary>The client's host number.</summary>
    public const int ClientHost = 1;

    /// <summary>The API namespace's host number.</summary>
    public const int ApiHost = 2;

    /// <summary>The first service address's host number (see <see cref="Service"/>).</summary>
    public const int FirstServiceHost = 100;

    /// <summary>Pod host <paramref name="index"/>'s host number (index from 0): 3 and up.</summary>
    /// <param name="index">The pod host's index.</param>
    public static int PodHost(int index) => 3 + index;

    /// <summary>Node <paramref name="index"/>'s host number (index from 0).</summary>
    /// <param name="index">The node's index.</param>
    public static int NodeHost(int index) => 11 + index;

    /// <summary>The address with host number <paramref name="host"/> in <paramref name="subnet"/>.</summary>
    /// <param name="subnet">The subnet.</param>
    /// <param name="host">The host number.</param>
    public static IPAddress Host(IPNetwork subnet, int host)
    {
        var bytes = subnet.BaseAddress.GetAddressBytes();
        var carry = host;
        for (var i = bytes.Length - 1; i >= 0 && carry > 0; i--)
        {
            var sum = bytes[i] + (carry & 0xff);
            bytes[i] = (byte)sum;
            carry = (carry >> 8) + (sum >> 8);
        }

        var address = new IPAddress(bytes);
        return subnet.Contains(address) ? address : throw new LabException($"Lab: host {host} does not fit in {subnet}.");
    }

    /// <summary>The <paramref name="index"/>-th service address (from 0) of a subnet: host 100 + index.</summary>
    /// <param name="subnet">The subnet.</param>
    /// <param name="index">The index.</param>
    public static IPAddress Service(IPNetwork subnet, int index) => Host(subnet, FirstServiceHost + index);
}
