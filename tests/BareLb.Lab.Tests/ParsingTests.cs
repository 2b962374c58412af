using System.Net;
using BareLb.Lab.Capture;
using BareLb.Lab.Probing;

namespace BareLb.Lab.Tests;

public sealed class ParsingTests
{
    [Fact]
    public void EchoRequestsAndRepliesRoundTrip()
    {
        var request = Prober.EchoRequest(v6: false, 0x1234, 7);
        Assert.Equal(8, request[0]);
        var reply = (byte[])request.Clone();
        reply[0] = 0;
        byte[] ipv4 = [0x45, .. new byte[19], .. reply];
        Assert.Equal(((ushort)0x1234, (ushort)7), Prober.ParseReply(ipv4, v6: false));
        Assert.Null(Prober.ParseReply(request, v6: true));
        var v6 = Prober.EchoRequest(v6: true, 0x1234, 9);
        v6[0] = 129;
        Assert.Equal(((ushort)0x1234, (ushort)9), Prober.ParseReply(v6, v6: true));
    }

    [Fact]
    public void AReportFindsTheLongestGapAndTheLostProbes()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var sent = Enumerable.Range(0, 100).Select(i => start.AddMilliseconds(i * 10)).ToList();
        var replies = Enumerable.Range(0, 100).Where(i => i is < 40 or >= 60).Select(i => ((long)i, start.AddMilliseconds(i * 10))).ToList();
        var report = Prober.Analyse(sent, replies, start.AddMilliseconds(200), start.AddMilliseconds(900), TimeSpan.FromMilliseconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(210), report.LongestGap);
        Assert.Equal(start.AddMilliseconds(390), report.GapStart);
        Assert.Equal(20, report.Lost);
        Assert.Equal(70, report.Timeline.Length);
        Assert.Equal(new string('.', 19), report.Timeline[20..39]);
    }

    [Fact]
    public void AReportCountsAGapThatLastsToTheEnd()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var sent = Enumerable.Range(0, 50).Select(i => start.AddMilliseconds(i * 10)).ToList();
        var replies = Enumerable.Range(0, 10).Select(i => ((long)i, start.AddMilliseconds(i * 10))).ToList();
        var report = Prober.Analyse(sent, replies, start.AddMilliseconds(50), start.AddMilliseconds(500), TimeSpan.FromMilliseconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(410), report.LongestGap);
        Assert.Equal(30, report.Lost); // probes 10 to 39; 40 to 49 were sent in the last 100 ms
    }

    [Theory]
    [InlineData("1796281097.561260 c6:24:20:25:a7:96 > a6:f0:ea:78:30:a9, ethertype ARP (0x0806), length 42: Reply 198.18.99.2 is-at c6:24:20:25:a7:96, length 28", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.ArpReply)]
    [InlineData("1796281098.089647 c6:24:20:25:a7:96 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 198.18.99.2 (ff:ff:ff:ff:ff:ff) tell 198.18.99.2, length 44", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.GratuitousArp)]
    [InlineData("1796281098.089647 C6:24:20:25:A7:96 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.99.2 tell 198.18.99.2, length 28", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.GratuitousArp)]
    [InlineData("1796281099.148002 c6:24:20:25:a7:96 > a6:f0:ea:78:30:a9, ethertype IPv6 (0x86dd), length 86: 2001:db8:99::2 > fe80::a4f0:eaff:fe78:30a9: ICMP6, neighbor advertisement, tgt is 2001:db8:99::2, length 32", "2001:db8:99::2", "c6:24:20:25:a7:96", NeighbourAnswerKind.NeighbourAdvertisement)]
    public void TcpdumpLinesGiveWhoClaimedWhat(string line, string address, string mac, NeighbourAnswerKind kind)
    {
        var answer = NeighbourCapture.ParseLine(line);
        Assert.NotNull(answer);
        Assert.Equal((IPAddress.Parse(address), mac, kind), (answer.Address, answer.Mac, answer.Kind));
    }

    [Fact]
    public void RequestsOfOtherHostsClaimNothing()
        => Assert.Null(NeighbourCapture.ParseLine("1796281097.561235 a6:f0:ea:78:30:a9 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.99.2 tell 198.18.99.1, length 28"));
}
