using System.Net;
using BareLb.Lab.Capture;
using BareLb.Lab.Soak;

namespace BareLb.Lab.Tests.Soak;

public sealed class AnswerInvariantTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly IPAddress Address = IPAddress.Parse("198.18.35.100");

    private static NeighbourAnswer Answer(double seconds, string mac, IPAddress? address = null)
        => new(T0.AddSeconds(seconds), address ?? Address, mac, NeighbourAnswerKind.ArpReply);

    [Fact]
    public void TwoMacsAnsweringOneAddressAtOnce_AreAConflict()
    {
        var check = new AnswerInvariant(TimeSpan.FromSeconds(1));
        var conflicts = check.Conflicts([Answer(10, "aa:aa:aa:aa:aa:01"), Answer(10.2, "aa:aa:aa:aa:aa:02")]);
        var conflict = Assert.Single(conflicts);
        Assert.Equal((Address, "aa:aa:aa:aa:aa:01", "aa:aa:aa:aa:aa:02"), (conflict.Address, conflict.FirstMac, conflict.SecondMac));
    }

    [Fact]
    public void OneMacAnsweringOften_AndTwoMacsForTwoAddresses_AreNoConflict()
    {
        var check = new AnswerInvariant(TimeSpan.FromSeconds(1));
        var other = IPAddress.Parse("198.18.35.101");
        Assert.Empty(check.Conflicts([Answer(10, "aa:aa:aa:aa:aa:01"), Answer(10.1, "AA:AA:AA:AA:AA:01"), Answer(10.2, "aa:aa:aa:aa:aa:02", other)]));
    }

    [Fact]
    public void AnOwnerFollowingAnotherLaterThanTheSimultaneity_IsNoConflict()
    {
        var check = new AnswerInvariant(TimeSpan.FromSeconds(1));
        Assert.Empty(check.Conflicts([Answer(10, "aa:aa:aa:aa:aa:01"), Answer(11.5, "aa:aa:aa:aa:aa:02")]));
    }

    [Fact]
    public void TwoMacsInsideAHandOverWindow_AreExcused_ButNotAfterIt()
    {
        var check = new AnswerInvariant(TimeSpan.FromSeconds(1));
        check.AddHandOver(T0.AddSeconds(9), T0.AddSeconds(12));
        Assert.Empty(check.Conflicts([Answer(10, "aa:aa:aa:aa:aa:01"), Answer(10.2, "aa:aa:aa:aa:aa:02")]));
        Assert.Empty(check.Conflicts([Answer(11.9, "aa:aa:aa:aa:aa:01"), Answer(12.3, "aa:aa:aa:aa:aa:02")]));
        Assert.Single(check.Conflicts([Answer(20, "aa:aa:aa:aa:aa:01"), Answer(20.5, "aa:aa:aa:aa:aa:02"), Answer(30, "aa:aa:aa:aa:aa:02")]));
    }

    [Fact]
    public void ConflictsAreFoundWhateverTheOrderOfTheAnswers()
    {
        var check = new AnswerInvariant(TimeSpan.FromSeconds(1));
        var conflict = Assert.Single(check.Conflicts([Answer(10.2, "aa:aa:aa:aa:aa:02"), Answer(10, "aa:aa:aa:aa:aa:01")], Address));
        Assert.Equal(T0.AddSeconds(10), conflict.FirstTime);
    }
}
