using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Legacy;
using BareLb.Kube.Configuration.Yaml;
using k8s.Models;

namespace BareLb.Kube.Configuration;

/// <summary>
/// Reads MetalLB's configuration in either form into a <see cref="MetalLbConfiguration"/>. Invalid input
/// never throws: it comes back as errors naming the object, the field and the reason.
/// </summary>
/// <remarks>
/// <para><b>When both forms are present</b> (<see cref="Resolve"/>): if the namespace holds any metallb.io
/// configuration object (IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer, BFDProfile, Community),
/// the custom resources are the configuration and the legacy ConfigMap is ignored, with a warning on it.
/// This is what MetalLB v0.13 and later do (they no longer read the ConfigMap at all), it gives every
/// address exactly one owner, and it makes migration safe: apply the output of <c>barelb config convert</c>,
/// then delete the ConfigMap, and the configuration never changes in between. Merging the two was rejected:
/// a pool defined in both places would need a precedence rule nobody can see in either object.</para>
/// </remarks>
public static class MetalLbConfigurationReader
{
    /// <summary>Translates metallb.io objects.</summary>
    public static MetalLbConfiguration FromResources(MetalLbResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return ResourceTranslator.Translate(resources, resources.Count == 0 ? ConfigurationForm.None : ConfigurationForm.CustomResources);
    }

    /// <summary>Translates the legacy ConfigMap (its key <c>config</c>).</summary>
    public static MetalLbConfiguration FromConfigMap(V1ConfigMap configMap)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        var objectName = $"{configMap.Metadata?.NamespaceProperty ?? MetalLbApi.DefaultNamespace}/{configMap.Metadata?.Name ?? MetalLbApi.LegacyConfigMapName}";
        if (configMap.Data is null || !configMap.Data.TryGetValue(MetalLbApi.LegacyConfigMapKey, out var text))
        {
            return new MetalLbConfiguration
            {
                Form = ConfigurationForm.ConfigMap,
                Problems = [new ConfigurationProblem(ProblemSeverity.Error, LegacyOrigins.Kind, objectName, "data", $"has no key \"{MetalLbApi.LegacyConfigMapKey}\" holding the configuration")],
            };
        }

        return FromLegacyText(text, 0, objectName, configMap.Metadata?.NamespaceProperty ?? MetalLbApi.DefaultNamespace, out _);
    }

    /// <summary>
    /// The configuration in force when the namespace holds <paramref name="configMap"/> (null when it has
    /// none) and <paramref name="resources"/>: the custom resources win when there is any; see the remarks.
    /// </summary>
    public static MetalLbConfiguration Resolve(V1ConfigMap? configMap, MetalLbResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (configMap is null)
        {
            return FromResources(resources);
        }

        if (resources.Count == 0)
        {
            return FromConfigMap(configMap);
        }

        var fromResources = FromResources(resources);
        var objectName = $"{configMap.Metadata?.NamespaceProperty ?? MetalLbApi.DefaultNamespace}/{configMap.Metadata?.Name}";
        return new MetalLbConfiguration
        {
            Form = fromResources.Form,
            PoolSpecs = fromResources.PoolSpecs,
            Pools = fromResources.Pools,
            L2Advertisements = fromResources.L2Advertisements,
            BgpAdvertisements = fromResources.BgpAdvertisements,
            Peers = fromResources.Peers,
            BfdProfiles = fromResources.BfdProfiles,
            Problems = [IgnoredConfigMap(objectName, resources.Count), .. fromResources.Problems],
            UnadvertisedPools = fromResources.UnadvertisedPools,
        };
    }

    internal static ConfigurationProblem IgnoredConfigMap(string objectName, int resourceCount) =>
        new(ProblemSeverity.Warning, LegacyOrigins.Kind, objectName, "",
            $"ignored: {resourceCount} metallb.io configuration object(s) exist, and the custom resources take precedence over the legacy ConfigMap; convert it with \"barelb config convert\" and delete it");

    internal static MetalLbConfiguration FromLegacyText(string text, int lineOffset, string objectName, string @namespace, out FieldLineMap lines)
    {
        var problems = new List<ConfigurationProblem>();
        var file = LegacyConfigParser.Parse(text, lineOffset, objectName, problems, out lines);
        if (file is null)
        {
            return new MetalLbConfiguration { Form = ConfigurationForm.ConfigMap, Problems = problems };
        }

        var (resources, origins, conversionProblems) = LegacyConverter.Convert(file, @namespace, objectName);
        problems.AddRange(conversionProblems);
        return ResourceTranslator.Translate(resources, ConfigurationForm.ConfigMap, origins, problems);
    }

    internal static (MetalLbResources? Resources, List<ConfigurationProblem> Problems, FieldLineMap Lines) ConvertLegacyText(string text, int lineOffset, string objectName, string @namespace)
    {
        var problems = new List<ConfigurationProblem>();
        var file = LegacyConfigParser.Parse(text, lineOffset, objectName, problems, out var lines);
        if (file is null)
        {
            return (null, problems, lines);
        }

        var (resources, _, conversionProblems) = LegacyConverter.Convert(file, @namespace, objectName);
        problems.AddRange(conversionProblems);
        return (resources, problems, lines);
    }
}
