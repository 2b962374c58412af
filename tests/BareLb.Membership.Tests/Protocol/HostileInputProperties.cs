using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using CsCheck;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

/// <summary>Whatever a decoder hands over (empty, null or absurd fields), the state machine neither throws nor loses itself.</summary>
public sealed class HostileInputProperties
{
    private static readonly Gen<string?> Names = Gen.OneOf(Gen.Const(default(string)), Gen.Const<string?>(""), Gen.Const<string?>("self"), Gen.Int[0, 5].Select(i => (string?)NameOf(i)), Gen.String.Select(s => (string?)s));
    private static readonly Gen<byte[]?> Bytes = Gen.OneOf(Gen.Const(default(byte[])), Gen.Byte.Array[0, 20].Select(b => (byte[]?)b), Gen.Int[0, 5].Select(i => (byte[]?)EndPoint(i).Address.GetAddressBytes()));
    private static readonly Gen<uint> Incarnations = Gen.OneOf(Gen.UInt[0, 5], Gen.UInt);

    private static readonly Gen<object> Messages = Gen.OneOf<object>(
        Gen.Select(Gen.UInt, Names, Bytes, Gen.UShort, Names, (s, n, a, p, sn) => (object)new Ping(s, n!, a, p, sn)),
        Gen.Select(Gen.UInt, Bytes, Gen.UShort, Names, Gen.Bool, (s, t, p, n, k) => (object)new IndirectPing(s, t!, p, n!, k)),
        Gen.Select(Gen.UInt, Bytes, (s, b) => (object)new AckResponse(s, b!)),
        Gen.UInt.Select(s => (object)new NackResponse(s)),
        Gen.Select(Incarnations, Names, Names, (i, n, f) => (object)new Suspect(i, n!, f!)),
        Gen.Select(Incarnations, Names, Names, (i, n, f) => (object)new Dead(i, n!, f!)),
        Gen.Select(Incarnations, Names, Bytes, Gen.UShort, Bytes, Bytes, (i, n, a, p, m, v) => (object)new Alive(i, n!, a!, p, m!, v!)),
        Names.Select(e => (object)new ErrorResponse(e!)));

    private static readonly Gen<PushNodeState> States =
        Gen.Select(Names, Bytes, Gen.UShort, Incarnations, Gen.Byte[0, 5], Bytes, (n, a, p, i, s, v) => new PushNodeState(n!, a!, p, [], i, (MemberWireState)s, v!));

    [Fact]
    public void RandomMessagesAndPushedStatesNeverThrowAndTheLocalMemberStaysAlive()
    {
        Gen.Select(Gen.Int, Messages.Array[1, 60], States.Array[0, 10]).Sample(
            t =>
            {
                var (seed, messages, states) = t;
                var h = new ProtocolHarness(seed: seed);
                h.AddMembers(3);
                foreach (var message in messages)
                {
                    h.Handle(seed & 3, message);
                    h.Advance(TimeSpan.FromMilliseconds(7));
                }

                h.Protocol.HandlePushPull(EndPoint(1), join: false, states);
                h.Protocol.CompletePushPull(12345, states);
                h.Advance(TimeSpan.FromSeconds(1));

                var self = h.Protocol.Find("self");
                Assert.NotNull(self);
                Assert.Equal(MemberStatus.Alive, self.Status);
                Assert.All(h.Protocol.LiveMembers, m => Assert.False(string.IsNullOrEmpty(m.Name)));
            },
            iter: 300,
            threads: 1);
    }
}
