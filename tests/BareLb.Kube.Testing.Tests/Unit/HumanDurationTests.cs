using BareLb.Kube.Testing.Tables;

namespace BareLb.Kube.Testing.Tests.Unit;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(94, "94s")]
    [InlineData(119, "119s")]
    [InlineData(4 * 60 + 50, "4m50s")]
    [InlineData(6 * 60 + 11, "6m11s")]
    [InlineData(5 * 60, "5m")]
    [InlineData(179 * 60, "179m")]
    [InlineData(4 * 3600 + 21 * 60, "4h21m")]
    [InlineData(5 * 3600 + 60, "5h1m")]
    [InlineData(5 * 3600, "5h")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(100 * 86400, "100d")]
    [InlineData(3 * 365 * 86400 + 86400, "3y1d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Format_MatchesKubectlAges(int seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
