using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Codec.Streams;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;
using BareLb.Membership.Transport;

namespace BareLb.Membership.Tests.Fuzzing;

/// <summary>
/// 100,000 random and mutated datagrams, and as many streams, through the whole inbound path:
/// no exception escapes, and every input is either decoded or dropped with a reason.
/// </summary>
public sealed class WireFuzzTests
{
    private const int Iterations = 100_000;
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("198.18.0.9"), 7946);
    private static readonly Keyring Keys = new([Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()]);

    private static readonly WireSettings[] Settings =
    [
        WireSettings.Default,
        WireSettings.Default with { Label = "lab" },
        WireSettings.Default with { Keyring = Keys },
        WireSettings.Default with { Keyring = Keys, VerifyIncoming = false },
    ];

    [Fact]
    public void DatagramsRandomAndMutatedNeverThrowAndAreCounted()
    {
        var mutator = new Mutator(Seed(20261202));
        var seeds = DatagramSeeds();
        var endpoints = Settings.Select(s => new WireEndpoint(s)).ToArray();
        var decoded = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = i % 5 == 0 ? mutator.RandomBytes(1500) : mutator.Mutate(seeds[mutator.Random.Next(seeds.Count)]);
            var endpoint = endpoints[i % endpoints.Length];
            decoded += endpoint.Receive(input, Peer).Count > 0 ? 1 : 0;
        }

        var reasons = Enum.GetValues<DropReason>().Where(r => endpoints.Sum(e => e.Metrics.PacketsDropped(r)) > 0).ToList();
        Assert.True(decoded > Iterations / 40, $"only {decoded} inputs decoded: the mutations are too destructive to reach the message decoders");
        Assert.Superset(new HashSet<DropReason> { DropReason.Truncated, DropReason.Malformed, DropReason.BadChecksum, DropReason.BadCompression, DropReason.UnknownType, DropReason.WrongLabel, DropReason.Undecryptable }, reasons.ToHashSet());
    }

    [Fact]
    public async Task StreamsRandomAndMutatedNeverThrow()
    {
        var mutator = new Mutator(Seed(7946));
        var seeds = StreamSeeds();
        var cancellation = TestContext.Current.CancellationToken;
        var outcomes = new Dictionary<DropReason, int>();
        for (var i = 0; i < Iterations; i++)
        {
            var input = i % 5 == 0 ? mutator.RandomBytes(600) : mutator.Mutate(seeds[mutator.Random.Next(seeds.Count)]);
            var settings = Settings[i % Settings.Length];
            var reason = await ReadWholeStream(settings, input, cancellation);
            outcomes[reason] = outcomes.GetValueOrDefault(reason) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault(DropReason.None) > Iterations / 50, $"only {outcomes.GetValueOrDefault(DropReason.None)} streams decoded");
        Assert.True(outcomes.Count >= 5, "too few drop reasons: " + string.Join(", ", outcomes.Keys));
    }

    /// <summary>The fixed seed, or BARELB_FUZZ_SEED to explore others (a failure names the seed to reproduce it).</summary>
    private static int Seed(int fixedSeed)
        => int.TryParse(Environment.GetEnvironmentVariable("BARELB_FUZZ_SEED"), System.Globalization.CultureInfo.InvariantCulture, out var seed) ? seed : fixedSeed;

    private static async Task<DropReason> ReadWholeStream(WireSettings settings, byte[] input, CancellationToken cancellation)
    {
        var message = await WireStream.ReadAsync(new MemoryStream(input), settings, accepting: true, cancellation);
        if (message.Reason != DropReason.None)
        {
            return message.Reason;
        }

        switch (message.Type)
        {
            case MessageType.PushPull:
                return (await PushPullState.ReadAsync(message.Body!, cancellation)).Reason;
            case MessageType.Ping:
                return (await WireStream.ReadBodyAsync<Ping>(message.Body!, cancellation)).Reason;
            case MessageType.Error:
                return (await WireStream.ReadBodyAsync<ErrorResponse>(message.Body!, cancellation)).Reason;
            case MessageType.User:
                {
                    var (reason, header) = await WireStream.ReadBodyAsync<UserMessageHeader>(message.Body!, cancellation);
                    if (header is null)
                    {
                        return reason;
                    }

                    return header.UserMsgLen is >= 0 and <= WireStream.MaxStreamBytes && await message.Body!.ReadBytesAsync(header.UserMsgLen, cancellation) is not null
                        ? DropReason.None
                        : DropReason.Truncated;
                }

            default:
                return DropReason.UnknownType;
        }
    }

    private static List<byte[]> DatagramSeeds()
    {
        var compound = CompoundMessage.Encode([Packets.Ping(), Packets.Alive("alpha"), Packets.Suspect("beta"), MessageCodec.Encode(MessageType.Dead, new Dead(3, "gamma", "delta"))]);
        byte[][] messages =
        [
            Packets.Ping(),
            MessageCodec.Encode(MessageType.Ping, new Ping(70000, "target", Packets.Address, 7946, "source")),
            MessageCodec.Encode(MessageType.IndirectPing, new IndirectPing(5, Packets.Address, 7946, "t", true, Packets.Address, 7946, "s")),
            MessageCodec.Encode(MessageType.AckResponse, new AckResponse(9, [1, 2, 3])),
            MessageCodec.Encode(MessageType.NackResponse, new NackResponse(9)),
            Packets.Alive("alpha"),
            Packets.Suspect("beta"),
            [8, 1, 2, 3],
            compound,
            Compression.Compress(compound),
            Checksum.Add(compound),
            Checksum.Add(Compression.Compress(compound)),
        ];
        var seeds = new List<byte[]>(messages);
        foreach (var settings in Settings.Skip(1))
        {
            var codec = new PacketCodec(settings);
            seeds.AddRange(messages.Select(m => codec.Encode(m, checksum: true)));
        }

        return seeds;
    }

    private static List<byte[]> StreamSeeds()
    {
        var state = new PushPullState(true, [.. Enumerable.Range(0, 4).Select(i => new PushNodeState("n" + i, Packets.Address, 7946, [], 1, MemberWireState.Alive, Packets.Vsn))], [1, 2, 3]);
        var userMessage = new System.Buffers.ArrayBufferWriter<byte>();
        MessageCodec.Write(userMessage, MessageType.User, new UserMessageHeader(3));
        System.Buffers.BuffersExtensions.Write(userMessage, new byte[] { 7, 8, 9 });
        byte[][] messages = [state.Encode(), Packets.Ping(), MessageCodec.Encode(MessageType.Error, new ErrorResponse("no")), userMessage.WrittenSpan.ToArray()];
        var seeds = new List<byte[]>();
        foreach (var settings in Settings)
        {
            seeds.AddRange(messages.Select(m => WireStream.Frame(settings, m, dialing: true)));
            seeds.AddRange(messages.Select(m => WireStream.Frame(settings with { Compress = false }, m, dialing: true)));
        }

        return seeds;
    }
}
