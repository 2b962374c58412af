using BareLb.Kube.Configuration;

namespace BareLb.Kube.Tests.Configuration;

internal static class Checking
{
    public static ConfigurationCheck Check(string yaml, string path = "test.yaml") => ConfigurationFiles.Check([new ConfigurationFile(path, yaml)]);

    public static ConfigurationProblem Single(this ConfigurationCheck check, ProblemSeverity severity = ProblemSeverity.Error)
    {
        var matching = check.Problems.Where(p => p.Severity == severity).ToList();
        Assert.True(matching.Count == 1, $"expected one {severity}, got:\n{string.Join('\n', check.Problems)}");
        return matching[0];
    }

    public static void AssertClean(this ConfigurationCheck check) =>
        Assert.True(check.Problems.Count == 0, string.Join('\n', check.Problems));
}
