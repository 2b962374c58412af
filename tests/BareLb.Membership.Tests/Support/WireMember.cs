using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BareLb.Membership.Codec;
using BareLb.Membership.Codec.Streams;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Transport;

namespace BareLb.Membership.Tests.Support;

/// <summary>
/// A minimal member for wire tests (not the protocol): our transport and wire endpoint in a
/// namespace, answering pings with acks and push-pulls with its own state, recording every
/// packet and message it receives.
/// </summary>
internal sealed class WireMember : IAsyncDisposable
{
    public static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _packets;
    private readonly Task _streams;

    public WireMember(string ns, string name, IPAddress address, WireSettings settings, bool answerPings = true)
    {
        Name = name;
        Address = address;
        AnswerPings = answerPings;
        Endpoint = new WireEndpoint(settings, logger: Logger);
        Transport = new MemberlistTransport(
            new MemberlistTransportOptions { BindAddress = address, BindPort = 7946 },
            TimeProvider.System,
            null,
            (family, type, protocol) => Namespaces.Run(ns, () => new Socket(family, type, protocol)));
        Namespaces.Run(ns, () =>
        {
            Transport.Start();
            return true;
        });
        _packets = Task.Run(ReceivePacketsAsync);
        _streams = Task.Run(AcceptStreamsAsync);
    }

    public string Name { get; }

    public IPAddress Address { get; }

    public bool AnswerPings { get; set; }

    public MemberlistTransport Transport { get; }

    public WireEndpoint Endpoint { get; }

    public ListLogger Logger { get; } = new();

    public ConcurrentQueue<byte[]> RawPackets { get; } = new();

    public ConcurrentQueue<InboundMessage> Messages { get; } = new();

    public ConcurrentQueue<PushPullState> StatesReceived { get; } = new();

    public int AcksSent;

    public PushPullState OwnState(bool join)
        => new(join, [new PushNodeState(Name, Address.GetAddressBytes(), 7946, [], 1, MemberWireState.Alive, Vsn)], []);

    /// <summary>Push-pull with a peer, as memberlist's join does; returns the peer's state or why it was refused.</summary>
    public async Task<(DropReason Reason, PushPullState? State)> PushPullAsync(IPEndPoint peer, bool join, CancellationToken cancellationToken)
    {
        await using var stream = await Transport.OpenStreamAsync(peer, cancellationToken);
        await Endpoint.WriteStreamAsync(stream, OwnState(join).Encode(), dialing: true, cancellationToken);
        var message = await Endpoint.ReadStreamAsync(stream, peer, accepting: false, cancellationToken);
        if (message.Reason != DropReason.None)
        {
            return (message.Reason, null);
        }

        if (message.Type == MessageType.Error)
        {
            var (_, error) = await WireStream.ReadBodyAsync<ErrorResponse>(message.Body!, cancellationToken);
            throw new InvalidOperationException("The peer answered the push-pull with an error: " + error?.Error);
        }

        Assert.Equal(MessageType.PushPull, message.Type);
        return await PushPullState.ReadAsync(message.Body!, cancellationToken);
    }

    /// <summary>Sends one message (type byte included) as a packet, with a checksum (peers at protocol 5).</summary>
    public ValueTask SendAsync(byte[] message, IPEndPoint to) => Transport.SendPacketAsync(Endpoint.Frame(message, checksum: true), to);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Transport.DisposeAsync();
        await Task.WhenAll(_packets, _streams).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Endpoint.Dispose();
        _stop.Dispose();
    }

    private async Task ReceivePacketsAsync()
    {
        try
        {
            await foreach (var packet in Transport.Packets.ReadAllAsync(_stop.Token))
            {
                RawPackets.Enqueue(packet.Buffer);
                foreach (var message in Endpoint.Receive(packet.Buffer, packet.From))
                {
                    Messages.Enqueue(message);
                    if (message.Message is Ping ping && AnswerPings)
                    {
                        var to = ping.SourceAddr is { Length: 4 or 16 } && ping.SourcePort > 0 ? new IPEndPoint(new IPAddress(ping.SourceAddr), ping.SourcePort) : packet.From;
                        await SendAsync(MessageCodec.Encode(MessageType.AckResponse, new AckResponse(ping.SeqNo, [])), to);
                        Interlocked.Increment(ref AcksSent);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptStreamsAsync()
    {
        try
        {
            await foreach (var connection in Transport.Streams.ReadAllAsync(_stop.Token))
            {
                await using var stream = connection.Stream;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    var message = await Endpoint.ReadStreamAsync(stream, connection.From, accepting: true, timeout.Token);
                    if (message.Reason != DropReason.None)
                    {
                        continue;
                    }

                    if (message.Type == MessageType.PushPull)
                    {
                        var (reason, state) = await PushPullState.ReadAsync(message.Body!, timeout.Token);
                        if (state is null)
                        {
                            Endpoint.StreamDropped(reason, connection.From);
                            continue;
                        }

                        StatesReceived.Enqueue(state);
                        await Endpoint.WriteStreamAsync(stream, OwnState(false).Encode(), dialing: false, timeout.Token);
                    }
                    else if (message.Type == MessageType.Ping && AnswerPings)
                    {
                        var (_, ping) = await WireStream.ReadBodyAsync<Ping>(message.Body!, timeout.Token);
                        if (ping is not null)
                        {
                            await Endpoint.WriteStreamAsync(stream, MessageCodec.Encode(MessageType.AckResponse, new AckResponse(ping.SeqNo, [])), dialing: false, timeout.Token);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                {
                    // The peer went away; the next connection is served.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
