using System.IO.Compression;
using System.Reflection.Metadata;
using System.Xml.Linq;
using BareLb.Hosts.Tests.Network;

namespace BareLb.Images.Tests;

/// <summary>
/// <c>dotnet pack</c> of every packable library (the project references of this test project build them first, in
/// this configuration, so packing needs no build of its own): each package carries its README, its XML docs and
/// the license and repository metadata, and has a symbol package whose PDB carries SourceLink.
/// </summary>
public sealed class PackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _output = Directory.CreateTempSubdirectory("barelb-pack-").FullName;

    public static TheoryData<string> Libraries { get; } = new(
        "BareLb.Core", "BareLb.Arp", "BareLb.Kube", "BareLb.Kube.Testing", "BareLb.Membership", "BareLb.Hosting");

    [Fact]
    public void EveryPackableLibraryIsListedHere()
    {
        var packable = Directory.GetFiles(Path.Combine(ImageBuild.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => File.ReadAllText(p).Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal);

        Assert.Equal(Libraries.Select(l => l.Data).Order(StringComparer.Ordinal), packable);
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void PackGivesReadmeDocsSymbolsAndSourcelink(string library)
    {
        var project = Path.Combine(ImageBuild.RepositoryRoot, "src", library, library + ".csproj");
        var pack = Shell.Run(TimeSpan.FromMinutes(2), "dotnet", "pack", project, "-c", Configuration, "--no-build", "-o", _output, "-nologo");
        Assert.True(pack.ExitCode == 0, $"dotnet pack {library} exited {pack.ExitCode}:\n{pack.All}");

        var package = Directory.GetFiles(_output, library + ".*.nupkg").Single(p => IsPackageOf(p, library, ".nupkg"));
        var symbols = Directory.GetFiles(_output, library + ".*.snupkg").Single(p => IsPackageOf(p, library, ".snupkg"));

        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("README.md", entries);
            Assert.Contains($"lib/net10.0/{library}.dll", entries);
            Assert.Contains($"lib/net10.0/{library}.xml", entries);

            var nuspec = XDocument.Load(zip.GetEntry(library + ".nuspec")!.Open());
            var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal("README.md", Value("readme"));
            Assert.Equal("Apache-2.0", Value("license"));
            Assert.False(string.IsNullOrWhiteSpace(Value("description")));
            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("https://github.com/barelb/barelb", repository.Attribute("url")?.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        }

        using (var zip = ZipFile.OpenRead(symbols))
        {
            var pdb = zip.GetEntry($"lib/net10.0/{library}.pdb");
            Assert.NotNull(pdb);
            using var buffer = new MemoryStream();
            using (var stream = pdb.Open())
            {
                stream.CopyTo(buffer);
            }

            buffer.Position = 0;
            Assert.Contains("https://raw.githubusercontent.com/barelb/barelb/", SourceLinkOf(buffer), StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    // BareLb.Kube's glob also matches BareLb.Kube.Testing's package: the version must follow the id directly.
    private static bool IsPackageOf(string path, string library, string extension)
    {
        var name = Path.GetFileName(path);
        var version = name[(library.Length + 1)..^extension.Length];
        return version.Length > 0 && char.IsAsciiDigit(version[0]);
    }

    private static string SourceLinkOf(Stream pdb)
    {
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        foreach (var handle in reader.CustomDebugInformation)
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == sourceLinkKind)
            {
                return System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        return "";
    }
}
