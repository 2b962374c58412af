using System.Net;
using BareLb.Lab.Capture;
using BareLb.Lab.Probing;

namespace BareLb.Lab.Tests;

public sealed class ParsingTests
{
    [Fact]
    public void Ping_lines_give_sequence_time_and_whether_answered()
    {
        var reply = Prober.ParseLine("[1796281097.561375] 64 bytes from 198.18.99.2: icmp_seq=12 ttl=64 time=0.251 ms");
        Assert.Equal((12L, DateTimeOffset.FromUnixTimeMilliseconds(1796281097561).AddTicks(3750), true), reply);
        var missing = Prober.ParseLine("[1796281097.571375] no answer yet for icmp_seq=13");
        Assert.Equal((13L, false), (missing!.Value.Sequence, missing.Value.Reply));
        Assert.False(Prober.ParseLine("[1796281097.571375] From 198.18.35.1 icmp_seq=14 Destination Host Unreachable")!.Value.Reply);
        Assert.Null(Prober.ParseLine("PING 198.18.99.2 (198.18.99.2) 56(84) bytes of data."));
    }

    [Fact]
    public void A_report_finds_the_longest_gap_and_the_lost_probes()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var replies = Enumerable.Range(0, 100).Where(i => i is < 40 or >= 60).Select(i => ((long)i, start.AddMilliseconds(i * 10))).ToList();
        var report = Prober.Analyse(replies, 99, start.AddMilliseconds(200), start.AddMilliseconds(900), TimeSpan.FromMilliseconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(210), report.LongestGap);
        Assert.Equal(start.AddMilliseconds(390), report.GapStart);
        Assert.Equal(20, report.Lost);
        Assert.Equal(70, report.Timeline.Length);
        Assert.Equal(new string('.', 19), report.Timeline[20..39]);
    }

    [Fact]
    public void A_report_counts_a_gap_that_lasts_to_the_end()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var replies = Enumerable.Range(0, 10).Select(i => ((long)i, start.AddMilliseconds(i * 10))).ToList();
        var report = Prober.Analyse(replies, 50, start.AddMilliseconds(50), start.AddMilliseconds(500), TimeSpan.FromMilliseconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(410), report.LongestGap);
        Assert.Equal(41, report.Lost);
    }

    [Theory]
    [InlineData("1796281097.561260 c6:24:20:25:a7:96 > a6:f0:ea:78:30:a9, ethertype ARP (0x0806), length 42: Reply 198.18.99.2 is-at c6:24:20:25:a7:96, length 28", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.ArpReply)]
    [InlineData("1796281098.089647 c6:24:20:25:a7:96 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 198.18.99.2 (ff:ff:ff:ff:ff:ff) tell 198.18.99.2, length 44", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.GratuitousArp)]
    [InlineData("1796281098.089647 C6:24:20:25:A7:96 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.99.2 tell 198.18.99.2, length 28", "198.18.99.2", "c6:24:20:25:a7:96", NeighbourAnswerKind.GratuitousArp)]
    [InlineData("1796281099.148002 c6:24:20:25:a7:96 > a6:f0:ea:78:30:a9, ethertype IPv6 (0x86dd), length 86: 2001:db8:99::2 > fe80::a4f0:eaff:fe78:30a9: ICMP6, neighbor advertisement, tgt is 2001:db8:99::2, length 32", "2001:db8:99::2", "c6:24:20:25:a7:96", NeighbourAnswerKind.NeighbourAdvertisement)]
    public void Tcpdump_lines_give_who_claimed_what(string line, string address, string mac, NeighbourAnswerKind kind)
    {
        var answer = NeighbourCapture.ParseLine(line);
        Assert.NotNull(answer);
        Assert.Equal((IPAddress.Parse(address), mac, kind), (answer.Address, answer.Mac, answer.Kind));
    }

    [Fact]
    public void Requests_of_other_hosts_claim_nothing()
        => Assert.Null(NeighbourCapture.ParseLine("1796281097.561235 a6:f0:ea:78:30:a9 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.18.99.2 tell 198.18.99.1, length 28"));
}
