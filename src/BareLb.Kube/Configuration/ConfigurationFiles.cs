using BareLb.Kube.Configuration.Api;
using System.Globalization;
using System.Text;
using BareLb.Kube.Configuration.Yaml;

namespace BareLb.Kube.Configuration;

/// <summary>
/// Offline work on manifest files, for <c>barelb config check</c> and <c>barelb config convert</c>: legacy
/// ConfigMaps and metallb.io objects in any mix, each problem placed at its file and line.
/// </summary>
public static class ConfigurationFiles
{
    /// <summary>
    /// Validates the files together, as if they were applied to one cluster: each legacy ConfigMap on its own,
    /// all metallb.io objects as one configuration (references may cross files). A ConfigMap next to
    /// metallb.io objects is validated and also warned about, since the custom resources would win.
    /// </summary>
    /// <param name="files">The files.</param>
    /// <param name="namespace">The namespace BareLb reads its configuration from; objects elsewhere get a warning.</param>
    public static ConfigurationCheck Check(IReadOnlyList<ConfigurationFile> files, string @namespace = MetalLbApi.DefaultNamespace)
    {
        ArgumentNullException.ThrowIfNull(files);
        var problems = new List<ConfigurationProblem>();
        var summaries = new List<string>();
        var configurations = new List<MetalLbConfiguration>();
        var all = new MetalLbResources();
        var places = new Dictionary<(string Kind, string Name), (string File, FieldLineMap Lines)>();
        var legacy = new List<(string File, string ObjectName, int Line)>();

        foreach (var file in files)
        {
            var read = ManifestDocuments.Read(file, @namespace);
            problems.AddRange(read.Problems);
            var pools = 0;
            foreach (var (objectName, ns, text, offset) in read.ConfigMaps)
            {
                var configuration = MetalLbConfigurationReader.FromLegacyText(text, offset, objectName, ns, out var lines);
                configurations.Add(configuration);
                problems.AddRange(configuration.Problems.Select(p => p with { File = file.Path, Line = p.Line ?? lines.LineOf(p.Field) }));
                pools += configuration.PoolSpecs.Count;
                legacy.Add((file.Path, objectName, offset));
            }

            foreach (var ((kind, name), lines) in read.Lines)
            {
                if (!places.TryAdd((kind, name), (file.Path, lines)))
                {
                    problems.Add(new ConfigurationProblem(ProblemSeverity.Error, kind, name, "metadata.name", $"{kind} {name} is also defined in {places[(kind, name)].File}")
                    {
                        File = file.Path,
                        Line = lines.LineOf("metadata.name"),
                    });
                }
            }

            CopyInto(read.Resources, all);
            summaries.Add(Summarize(file.Path, read, pools));
        }

        if (all.Count > 0)
        {
            var configuration = MetalLbConfigurationReader.FromResources(all);
            configurations.Add(configuration);
            problems.AddRange(configuration.Problems.Select(p => places.TryGetValue((p.Kind, p.ObjectName), out var place)
                ? p with { File = place.File, Line = place.Lines.LineOf(p.Field) }
                : p));
            foreach (var (file, objectName, offset) in legacy)
            {
                problems.Add(MetalLbConfigurationReader.IgnoredConfigMap(objectName, all.Count) with { File = file, Line = offset });
            }
        }

        var order = files.Select((f, i) => (f.Path, i)).GroupBy(f => f.Path).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        var sorted = problems
            .Select((p, i) => (Problem: p, Index: i))
            .OrderBy(p => p.Problem.File is { } f && order.TryGetValue(f, out var o) ? o : int.MaxValue)
            .ThenBy(p => p.Problem.Line ?? 0)
            .ThenBy(p => p.Index)
            .Select(p => p.Problem)
            .ToList();
        return new ConfigurationCheck { Summaries = summaries, Problems = sorted, Configurations = configurations };
    }

    /// <summary>Converts the legacy ConfigMap in <paramref name="file"/> into metallb.io manifests in the ConfigMap's namespace.</summary>
    public static ConfigurationConversion Convert(ConfigurationFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var read = ManifestDocuments.Read(file, MetalLbApi.DefaultNamespace);
        var problems = new List<ConfigurationProblem>(read.Problems.Where(p => p.Field != "metadata.namespace"));
        if (read.ConfigMaps.Count != 1)
        {
            if (!problems.Any(p => p.Severity == ProblemSeverity.Error))
            {
                problems.Add(new ConfigurationProblem(ProblemSeverity.Error, "", file.Path, "",
                    $"holds {read.ConfigMaps.Count.ToString(CultureInfo.InvariantCulture)} MetalLB ConfigMaps (a ConfigMap with key config); convert needs exactly one") { File = file.Path });
            }

            return new ConfigurationConversion { Problems = problems };
        }

        var (objectName, ns, text, offset) = read.ConfigMaps[0];
        var check = MetalLbConfigurationReader.FromLegacyText(text, offset, objectName, ns, out var lines);
        problems.AddRange(check.Problems.Select(p => p with { File = file.Path, Line = p.Line ?? lines.LineOf(p.Field) }));
        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            return new ConfigurationConversion { Problems = problems };
        }

        var (resources, _, _) = MetalLbConfigurationReader.ConvertLegacyText(text, offset, objectName, ns);
        return new ConfigurationConversion { Yaml = ManifestWriter.Write(resources!), Resources = resources, Problems = problems };
    }

    private static void CopyInto(MetalLbResources from, MetalLbResources to)
    {
        foreach (var x in from.Pools) { to.Pools.Add(x); }
        foreach (var x in from.L2Advertisements) { to.L2Advertisements.Add(x); }
        foreach (var x in from.BgpAdvertisements) { to.BgpAdvertisements.Add(x); }
        foreach (var x in from.BgpPeers) { to.BgpPeers.Add(x); }
        foreach (var x in from.BfdProfiles) { to.BfdProfiles.Add(x); }
        foreach (var x in from.Communities) { to.Communities.Add(x); }
        foreach (var (name, secret) in from.Secrets) { to.Secrets[name] = secret; }
    }

    private static string Summarize(string path, ManifestDocuments read, int legacyPools)
    {
        var parts = new List<string>();
        if (read.ConfigMaps.Count > 0)
        {
            parts.Add(Count(read.ConfigMaps.Count, "legacy ConfigMap") + $" ({Count(legacyPools, "pool")})");
        }

        void Add(int n, string what)
        {
            if (n > 0)
            {
                parts.Add(Count(n, what));
            }
        }

        var r = read.Resources;
        Add(r.Pools.Count, "IPAddressPool");
        Add(r.L2Advertisements.Count, "L2Advertisement");
        Add(r.BgpAdvertisements.Count, "BGPAdvertisement");
        Add(r.BgpPeers.Count, "BGPPeer");
        Add(r.BfdProfiles.Count, "BFDProfile");
        Add(r.Communities.Count, "Community");
        Add(read.StatusObjects, "status object");
        Add(read.Skipped, "other object");
        return $"{path}: {(parts.Count == 0 ? "no MetalLB configuration" : string.Join(", ", parts))}";
    }

    private static string Count(int n, string what) => $"{n.ToString(CultureInfo.InvariantCulture)} {(n != 1 && what.EndsWith('y') ? what[..^1] + "ies" : what)}{(n == 1 ? "" : what.EndsWith('y') ? "" : "s")}";
}
