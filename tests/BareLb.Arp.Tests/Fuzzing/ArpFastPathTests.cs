using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using CsCheck;

namespace BareLb.Arp.Tests.Fuzzing;

/// <summary>
/// The untagged-ARP fast path reads raw words where the general path decodes headers: on
/// random and mutated ARP frames both give the same answer, drop reason and reply bytes.
/// </summary>
public sealed class ArpFastPathTests
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x03, 0x06, 0x08, 0xFF, 0x99];

    private static readonly byte[][] Seeds =
    [
        Frames.ArpRequest("198.18.0.1", "198.18.0.100"),
        Frames.ArpRequest("198.18.0.1", "198.18.0.101"),
        Frames.ArpRequest("0.0.0.0", "198.18.7.7"),
        Frames.ArpRequest("198.18.0.1", "198.18.0.100", to: Frames.Ours),
        Frames.ArpRequest("198.18.0.1", "198.18.0.100", from: Frames.Ours),
        Frames.ArpRequest("198.18.0.1", "198.18.0.100", operation: 2),
        Frames.ArpRequest("198.18.0.100", "198.18.0.100"),
    ];

    [Fact]
    public void FastAndGeneralPathsAgreeOnEveryARPFrame()
    {
        using var rig = new ResponderRig(ratePerSecond: 0, burst: 1, "198.18.0.100", "198.18.7.7");
        var fast = new byte[BareLb.Arp.Responding.FrameResponder.MaxReplyLength];
        var general = new byte[BareLb.Arp.Responding.FrameResponder.MaxReplyLength];
        var answered = 0;

        // Bytes that hit the checks' edges: zero, one, two, the group bit, all ones, our MAC's last byte.
        var interesting = Gen.Int[0, Interesting.Length - 1].Select(i => Interesting[i]);
        var edit = Gen.Select(Gen.Int[0, 45], Gen.Frequency((1, (Gen<byte>)Gen.Byte), (2, interesting)));
        var mutated = Gen.Select(Gen.Int[0, Seeds.Length - 1], edit.Array[0, 3], Gen.Int[30, 60], (seed, edits, length) =>
        {
            var frame = new byte[length];
            Seeds[seed].AsSpan(0, Math.Min(length, Seeds[seed].Length)).CopyTo(frame);
            foreach (var (position, value) in edits)
            {
                if (position < frame.Length && position is not (12 or 13))
                {
                    frame[position] = value;
                }
            }

            return frame;
        });
        var random = Gen.Byte.Array[14, 60].Select(frame =>
        {
            frame[12] = 0x08;
            frame[13] = 0x06;
            return frame;
        });

        Gen.Frequency((1, random), (4, mutated)).Sample(
            frame =>
            {
                Array.Clear(fast);
                Array.Clear(general);
                var fastLength = rig.Responder.Respond(frame, fast, out var fastReason);
                var generalLength = rig.Responder.RespondDecoded(frame, general, out var generalReason);
                Assert.Equal(generalReason, fastReason);
                Assert.Equal(generalLength, fastLength);
                Assert.Equal(general, fast);
                answered += fastLength > 0 ? 1 : 0;
            },
            iter: 200_000,
            threads: 1);

        Assert.True(answered > 1000, $"only {answered} frames were answered: the mutations do not reach the reply");
    }
}
