using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Security;

public sealed class MetalLbSecretTests
{
    [Fact]
    public void DeriveKeyMatchesMetallbsSha256SumOfTheSecretComputedByGo()
    {
        var vectors = GoVectors.All("key").ToList();
        Assert.Equal(4, vectors.Count);
        foreach (var vector in vectors)
        {
            var secret = vector[1].Length == 0 ? [] : Convert.FromHexString(vector[1]);
            Assert.Equal(vector[2], Convert.ToHexStringLower(MetalLbSecret.DeriveKey(secret)));
        }
    }

    [Fact]
    public void DeriveKeyOfAShortSecretIsTheSecretThenTheEmptyDigest()
        => Assert.Equal("73686f7274e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599", Convert.ToHexStringLower(MetalLbSecret.DeriveKey("short"u8)));

    [Fact]
    public void ReadKeyReadsSecretkeyInADirectoryAndKeepsTheTrailingNewline()
    {
        var directory = Directory.CreateTempSubdirectory("barelb-secret-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "secretkey"), "abc\n");
            Assert.Equal(MetalLbSecret.DeriveKey("abc\n"u8), MetalLbSecret.ReadKey(directory.FullName));
            Assert.Equal(MetalLbSecret.DeriveKey("abc\n"u8), MetalLbSecret.ReadKey(Path.Combine(directory.FullName, "secretkey")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadKeyOfAMissingFileNamesIt()
    {
        var error = Assert.Throws<IOException>(() => MetalLbSecret.ReadKey("/nonexistent/barelb/secret"));
        Assert.Contains("/nonexistent/barelb/secret", error.Message, StringComparison.Ordinal);
    }
}
