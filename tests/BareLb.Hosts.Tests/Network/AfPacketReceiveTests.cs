using BareLb.Arp.Transports;
using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>
/// The AF_PACKET transport's receive without a timeout (needs root: a veth pair in namespaces of its own): a frame
/// ends it, and so does an interrupt or a disposal from another thread, which a blocking recv(2) would not allow.
/// </summary>
[Collection("network")]
public sealed class AfPacketReceiveTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task AReceiveWithoutATimeoutReturnsTheNextFrame()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        using var transport = AfPacketTransport.Open("vn", topology.Nodes[0]);
        Assert.True(transport.CanInterruptReceive);
        var receiving = Task.Run(() =>
        {
            var buffer = new byte[2048];
            var length = transport.Receive(buffer, Timeout.InfiniteTimeSpan);
            return buffer.AsSpan(0, length).ToArray();
        }, TestContext.Current.CancellationToken);

        // Nothing answers 198.18.0.100: each request reaches the node's interface until the receive returns.
        while (!receiving.IsCompleted)
        {
            Arping(topology, "198.18.0.100", 1);
        }

        var frame = await receiving.WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.True(frame.Length >= 14, $"{frame.Length} bytes");
        Assert.Equal(0x0806, (frame[12] << 8) | frame[13]); // ARP
    }

    [Fact]
    public async Task AnInterruptEndsAWaitingReceiveWithNoFrameAndEveryLaterOneAtOnce()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        using var transport = AfPacketTransport.Open("vn", topology.Nodes[0]);
        var receiving = Task.Run(() => transport.Receive(new byte[2048], Timeout.InfiniteTimeSpan), TestContext.Current.CancellationToken);

        transport.InterruptReceive();

        Assert.Equal(0, await receiving.WaitAsync(Guard, TestContext.Current.CancellationToken));
        Assert.Equal(0, await Task.Run(() => transport.Receive(new byte[2048], Timeout.InfiniteTimeSpan), TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DisposingEndsAWaitingReceive()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var transport = AfPacketTransport.Open("vn", topology.Nodes[0]);
        var entered = new ManualResetEventSlim();
        var receiving = Task.Run(() =>
        {
            entered.Set();
            try
            {
                return transport.Receive(new byte[2048], Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                return -1;
            }
        }, TestContext.Current.CancellationToken);
        Assert.True(entered.Wait(Guard, TestContext.Current.CancellationToken));

        // Only that both end (a guard against hanging, not a speed claim).
        await Task.Run(transport.Dispose, TestContext.Current.CancellationToken).WaitAsync(Guard, TestContext.Current.CancellationToken);
        Assert.InRange(await receiving.WaitAsync(Guard, TestContext.Current.CancellationToken), -1, 0);
        Assert.Throws<ObjectDisposedException>(() => transport.Receive(new byte[2048], Timeout.InfiniteTimeSpan));
    }
}
