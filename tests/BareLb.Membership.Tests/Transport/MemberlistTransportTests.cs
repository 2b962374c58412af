using System.Net;
using System.Net.Sockets;
using BareLb.Membership.Tests.Support;
using BareLb.Membership.Transport;

namespace BareLb.Membership.Tests.Transport;

/// <summary>The transport in a namespace of its own (the 198.18.7.2 side of a veth pair): packets and streams both ways.</summary>
public sealed class MemberlistTransportTests
{
    private const string Address = PeerPair.OurAddress;

    [Fact]
    public async Task PacketsSentArriveWithSenderAndStreamsAreAccepted()
    {
        Namespaces.RequireRoot();
        using var pair = new PeerPair();
        var ns = pair.Ours;
        await using var a = Start(ns, 0);
        await using var b = Start(ns, 0);
        Assert.NotEqual(a.LocalEndPoint.Port, b.LocalEndPoint.Port);
        var cancellation = TestContext.Current.CancellationToken;

        await a.SendPacketAsync(new byte[] { 1, 2, 3 }, b.LocalEndPoint, cancellation);
        var packet = await b.Packets.ReadAsync(cancellation);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Buffer);
        Assert.Equal(a.LocalEndPoint, packet.From);

        await using var opened = await a.OpenStreamAsync(b.LocalEndPoint, cancellation);
        var accepted = await b.Streams.ReadAsync(cancellation);
        await using var acceptedStream = accepted.Stream;
        await opened.WriteAsync(new byte[] { 9 }, cancellation);
        var buffer = new byte[1];
        await acceptedStream.ReadExactlyAsync(buffer, cancellation);
        Assert.Equal(9, buffer[0]);
        Assert.Equal(IPAddress.Parse(Address), accepted.From.Address);
    }

    [Fact]
    public async Task OpenStreamToAClosedPortIsRefusedAndToASilentPeerTimesOut()
    {
        Namespaces.RequireRoot();
        using var pair = new PeerPair();
        var ns = pair.Ours;
        // 198.18.7.200 is on the veth's subnet and nobody holds it: ARP goes unanswered, the connection hangs.
        await using var transport = Start(ns, 0, TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<SocketException>(async () => await transport.OpenStreamAsync(new IPEndPoint(IPAddress.Parse(Address), 1), TestContext.Current.CancellationToken));
        var timeout = await Assert.ThrowsAsync<TimeoutException>(async () => await transport.OpenStreamAsync(new IPEndPoint(IPAddress.Parse("198.18.7.200"), 7946), TestContext.Current.CancellationToken));
        Assert.Contains("198.18.7.200:7946", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHandlerGetsEachDatagramInOrderAndOneThatThrowsDoesNotStopTheReceiving()
    {
        Namespaces.RequireRoot();
        using var pair = new PeerPair();
        var ns = pair.Ours;
        var received = System.Threading.Channels.Channel.CreateUnbounded<byte>();
        await using var a = Start(ns, 0);
        await using var b = Start(ns, 0, onPacket: packet =>
        {
            received.Writer.TryWrite(packet.Buffer[0]);
            if (packet.Buffer[0] == 1)
            {
                throw new InvalidOperationException("a handler's bug");
            }
        });
        var cancellation = TestContext.Current.CancellationToken;

        await a.SendPacketAsync(new byte[] { 1 }, b.LocalEndPoint, cancellation);
        await a.SendPacketAsync(new byte[] { 2 }, b.LocalEndPoint, cancellation);
        Assert.Equal(1, await received.Reader.ReadAsync(cancellation));
        Assert.Equal(2, await received.Reader.ReadAsync(cancellation));
        Assert.False(b.Packets.TryRead(out _)); // handed to the handler, not queued
    }

    [Fact]
    public async Task AnIdleCallbackRunsOnTheReceiveThreadBetweenDatagramsAndBoundsEachWait()
    {
        Namespaces.RequireRoot();
        using var pair = new PeerPair();
        var ns = pair.Ours;
        await using var a = Start(ns, 0);
        await using var b = Start(ns, 0);
        var cancellation = TestContext.Current.CancellationToken;
        var handlerThread = 0;
        var idleThreads = new System.Collections.Concurrent.ConcurrentBag<int>();
        var idleCalls = 0;
        var firstDatagram = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tenIdleCalls = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.HandPacketsTo(
            (_, _, _) =>
            {
                handlerThread = Environment.CurrentManagedThreadId;
                firstDatagram.TrySetResult();
            },
            () =>
            {
                idleThreads.Add(Environment.CurrentManagedThreadId);
                if (Interlocked.Increment(ref idleCalls) == 10)
                {
                    tenIdleCalls.TrySetResult();
                }

                return TimeSpan.FromMilliseconds(5);
            });

        // The receive thread takes the callback from the next datagram on; then, with no other datagram, only the bounded waits call it again.
        await a.SendPacketAsync(new byte[] { 1 }, b.LocalEndPoint, cancellation);
        await firstDatagram.Task.WaitAsync(cancellation);
        await tenIdleCalls.Task.WaitAsync(cancellation);

        Assert.Equal([handlerThread], idleThreads.Distinct());
    }

    [Fact]
    public async Task AnIdleCallbackThatThrowsDoesNotStopTheReceiving()
    {
        Namespaces.RequireRoot();
        using var pair = new PeerPair();
        var ns = pair.Ours;
        await using var a = Start(ns, 0);
        await using var b = Start(ns, 0);
        var cancellation = TestContext.Current.CancellationToken;
        var received = System.Threading.Channels.Channel.CreateUnbounded<byte>();
        b.HandPacketsTo((datagram, _, _) => received.Writer.TryWrite(datagram.Span[0]), () => throw new InvalidOperationException("a timer's bug"));

        await a.SendPacketAsync(new byte[] { 1 }, b.LocalEndPoint, cancellation);
        await a.SendPacketAsync(new byte[] { 2 }, b.LocalEndPoint, cancellation);
        Assert.Equal(1, await received.Reader.ReadAsync(cancellation));
        Assert.Equal(2, await received.Reader.ReadAsync(cancellation));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(65536, 10)]
    [InlineData(7946, 0)]
    public void OptionsOutOfRangeAreRefusedNamingTheField(int port, int timeoutSeconds)
    {
        var error = Assert.Throws<ArgumentException>(() => new MemberlistTransport(new MemberlistTransportOptions { BindPort = port, StreamTimeout = TimeSpan.FromSeconds(timeoutSeconds) }));
        Assert.Contains("MemberlistTransportOptions.", error.Message, StringComparison.Ordinal);
    }

    private static MemberlistTransport Start(string ns, int port, TimeSpan? streamTimeout = null, Action<ReceivedPacket>? onPacket = null)
    {
        var transport = new MemberlistTransport(
            new MemberlistTransportOptions { BindAddress = IPAddress.Parse(Address), BindPort = port, StreamTimeout = streamTimeout ?? TimeSpan.FromSeconds(10) },
            TimeProvider.System,
            null,
            (family, type, protocol) => Namespaces.Run(ns, () => new Socket(family, type, protocol)));
        Namespaces.Run(ns, () =>
        {
            transport.Start(onPacket);
            return true;
        });
        return transport;
    }
}
