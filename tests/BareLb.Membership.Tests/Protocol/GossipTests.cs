using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class GossipTests
{
    [Fact]
    public void ABroadcastIsSentExactlyTheTransmitLimitThenDropped()
    {
        var options = UnitOptions();
        options.ProbeInterval = TimeSpan.FromMinutes(1); // keep probes (and their piggybacks) out of the count
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        var h = new ProtocolHarness(options);
        h.AddMembers(9); // 10 members: limit 4 * ceil(log10(11)) = 8
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, h.Protocol.PendingBroadcasts);

        h.Handle(1, new Suspect(1, NameOf(5), NameOf(1)));
        var sent = MessagesOf<Suspect>(h.Advance(TimeSpan.FromSeconds(1))).Count();
        Assert.Equal(ProtocolMath.RetransmitLimit(4, 10), sent);
        Assert.Equal(8, sent);
    }

    [Fact]
    public void GossipRestsWhileThereIsNothingToSend_AndNewsWakesItWithinOneInterval()
    {
        var h = new ProtocolHarness(QuietOptions());
        h.AddMembers(3);
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, h.Protocol.PendingBroadcasts);

        // Nothing to send: no timer is due within the next second (probes are a minute apart).
        Assert.True(h.Protocol.NextDue > h.Now + TimeSpan.FromSeconds(1), $"next due {h.Protocol.NextDue - h.Now} from now");

        var queuedAt = h.Now;
        h.Handle(1, new Suspect(1, NameOf(3), NameOf(1)));
        var batch = h.AdvanceUntilBatch(outputs => MessagesOf<Suspect>(outputs).Any(), TimeSpan.FromSeconds(1));
        Assert.NotEmpty(batch);
        Assert.InRange(h.Now - queuedAt, TimeSpan.FromMilliseconds(1), h.Options.GossipInterval);

        // Once the news has been sent its transmit limit, gossip rests again.
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, h.Protocol.PendingBroadcasts);
        Assert.True(h.Protocol.NextDue > h.Now + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void EachGossipRoundGoesToAtMostGossipNodesMembersAndNotToLongDeadOnes()
    {
        var h = new ProtocolHarness(QuietOptions());
        h.AddMembers(6);
        h.Handle(1, new Dead(1, NameOf(6), NameOf(1)));
        h.Time.Advance(h.Options.GossipToTheDeadTime + TimeSpan.FromSeconds(1));
        h.Handle(1, new Suspect(1, NameOf(5), NameOf(1)));
        static bool IsGossip(SendPacket p) => p.Messages[0] is not Ping && p.Messages.Any(m => m is Suspect);
        var batch = h.AdvanceUntilBatch(outputs => outputs.OfType<SendPacket>().Any(IsGossip));
        var round = batch.OfType<SendPacket>().Where(IsGossip).ToList();
        Assert.InRange(round.Count, 1, h.Options.GossipNodes);
        Assert.DoesNotContain(round, p => p.ToNode == NameOf(6));
    }

    [Fact]
    public void GossipFitsTheUDPBudget()
    {
        var options = UnitOptions();
        options.UdpBufferSize = 512;
        var h = new ProtocolHarness(options);
        for (var i = 1; i <= 40; i++)
        {
            h.Handle(1, new Alive(1, new string('n', 40) + i, EndPoint(i % 200).Address.GetAddressBytes(), 7946, [], Vsn));
        }

        var sizer = new EstimatedMessageSizer();
        var packets = h.Advance(TimeSpan.FromMilliseconds(200)).OfType<SendPacket>().Where(p => p.Messages.Count > 1).ToList();
        Assert.NotEmpty(packets);
        Assert.All(packets, p => Assert.True(2 + p.Messages.Sum(m => sizer.SizeOf(m) + 2) <= 512));
    }

    [Fact]
    public void NewerNewsAboutAMemberReplacesTheOlderInTheQueue()
    {
        var queue = new BroadcastQueue();
        var finished = 0;
        queue.Enqueue("a", "suspect a", 10, () => finished++);
        queue.Enqueue("b", "alive b", 10);
        queue.Enqueue("a", "alive a", 10);
        Assert.Equal(1, finished);
        Assert.Equal(2, queue.Count);
        Assert.Equal("alive a", queue.Pending("a"));
    }

    [Fact]
    public void TheLeastSentThenTheLargestFittingMessageGoesFirst()
    {
        var queue = new BroadcastQueue();
        queue.Enqueue("small", "small", 10);
        queue.Enqueue("large", "large", 100);
        var first = new List<object>();
        queue.Take(2, 60, 3, first);
        Assert.Equal(["small"], first); // the large one does not fit 60 bytes

        var second = new List<object>();
        queue.Take(2, 200, 3, second);
        Assert.Equal(["large", "small"], second); // never sent goes before sent once

        var finished = false;
        queue.Enqueue("x", "x", 1, () => finished = true);
        for (var i = 0; i < 3; i++)
        {
            queue.Take(2, 1000, 3, []);
        }

        Assert.True(finished);
        Assert.Equal(-1, queue.TransmitsOf("x"));
    }
}
