namespace BareLb.Kube.Tests.Configuration;

public sealed class ConfigToolTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("barelb-config-test-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Check_TheGuidesConfigMap_ExitsZero_WithASummary()
    {
        var path = Write("metallb_config.yaml", Samples.GuideConfigMap);

        var run = await ToolRun.RunAsync(null, "config", "check", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"{path}: 1 legacy ConfigMap (1 pool)\nvalid: 0 error(s), 0 warning(s)\n", run.Stdout);
    }

    [Fact]
    public async Task Check_SeveralFiles_WithProblems_PrintsFileLineMessages_AndExitsOne()
    {
        var good = Write("good.yaml", Samples.EveryCrdKind);
        var bad = Write("bad.yaml", Samples.GuideConfigMap.Replace("192.168.35.110", "192.168.35.300", StringComparison.Ordinal).Replace("protocol: layer2", "protocol: layer2\n      colour: red", StringComparison.Ordinal));

        var run = await ToolRun.RunAsync(null, "config", "check", good, bad);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{bad}:11: ConfigMap metallb-system/config: address-pools[0].colour: unknown field \"colour\"", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{good}: 2 IPAddressPools", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{bad}:7: warning: ConfigMap metallb-system/config: ignored:", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("invalid: 1 error(s), 1 warning(s)\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WithANamespace_WarnsAboutObjectsOutsideIt()
    {
        var path = Write("metallb_config.yaml", Samples.GuideConfigMap);

        var run = await ToolRun.RunAsync(null, "config", "check", "--namespace", "lb", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"{path}:4: warning: ConfigMap metallb-system/config: metadata.namespace: metallb-system is not lb, the namespace BareLb reads", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ReadsStandardInput()
    {
        var run = await ToolRun.RunAsync(Samples.GuideConfigMap, "config", "check", "-");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("<stdin>: 1 legacy ConfigMap", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AMissingFile_OrAFileThatIsNotYaml_ExitsOne_WithAClearLine()
    {
        var missing = Path.Combine(_directory.FullName, "nope.yaml");
        var junk = Write("junk.yaml", "key: [unclosed\n");
        var binary = Path.Combine(_directory.FullName, "binary.yaml");
        await File.WriteAllBytesAsync(binary, [0x61, 0x3a, 0x20, 0xc3, 0x28], TestContext.Current.CancellationToken);

        var run = await ToolRun.RunAsync(null, "config", "check", missing, junk, binary);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{missing}: cannot read: no such file", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{binary}: cannot read: not a text file", run.Stderr, StringComparison.Ordinal);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(junk)}:\d: not valid YAML", run.Stdout);
    }

    [Theory]
    [InlineData("config check")]
    [InlineData("config check --strict x.yaml")]
    [InlineData("config check --namespace")]
    [InlineData("config convert")]
    [InlineData("config convert a.yaml b.yaml")]
    public async Task UsageErrors_ExitTwo(string commandLine)
    {
        var run = await ToolRun.RunAsync(null, commandLine.Split(' '));

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("barelb: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_WritesManifestsThatCheckClean()
    {
        var legacy = Write("legacy.yaml", Samples.EveryLegacyField);

        var convert = await ToolRun.RunAsync(null, "config", "convert", legacy);
        Assert.Equal(0, convert.ExitCode);
        Assert.Equal("", convert.Stderr);
        var converted = Write("converted.yaml", convert.Stdout);

        var check = await ToolRun.RunAsync(null, "config", "check", converted);
        Assert.Equal(0, check.ExitCode);
        Assert.StartsWith($"{converted}: 3 IPAddressPools, 1 L2Advertisement, 3 BGPAdvertisements, 1 BGPPeer, 1 BFDProfile, 1 Community\n", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_AnInvalidConfigMap_ExitsOne_WithFileLineMessages_AndWritesNothing()
    {
        var legacy = Write("legacy.yaml", Samples.GuideConfigMap.Replace("layer2", "layer3", StringComparison.Ordinal));

        var run = await ToolRun.RunAsync(null, "config", "convert", legacy);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith($"{legacy}:10: ConfigMap metallb-system/config: address-pools[0].protocol: unknown protocol \"layer3\"", run.Stderr, StringComparison.Ordinal);
    }
}
