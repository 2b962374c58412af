using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Configuration;

public sealed class BothFormsTests
{
    private static MetalLbResources OnePool()
    {
        var resources = new MetalLbResources();
        resources.Pools.Add(new IPAddressPool { Metadata = new V1ObjectMeta { Name = "crd-pool", NamespaceProperty = "metallb-system" }, Spec = new IPAddressPoolSpec { Addresses = ["198.18.0.0/24"] } });
        resources.L2Advertisements.Add(new L2Advertisement { Metadata = new V1ObjectMeta { Name = "all", NamespaceProperty = "metallb-system" } });
        return resources;
    }

    [Fact]
    public void WithAnyMetallbObject_TheCustomResourcesWin_AndTheConfigMapIsIgnoredWithAWarning()
    {
        var configMap = KubeYaml.Deserialize<V1ConfigMap>(Samples.GuideConfigMap);

        var configuration = MetalLbConfigurationReader.Resolve(configMap, OnePool());

        Assert.True(configuration.IsValid);
        Assert.Equal(ConfigurationForm.CustomResources, configuration.Form);
        Assert.Equal(["crd-pool"], configuration.Pools!.Pools.Select(p => p.Name));
        var warning = Assert.Single(configuration.Warnings);
        Assert.Equal(("ConfigMap", "metallb-system/config"), (warning.Kind, warning.ObjectName));
        Assert.StartsWith("ignored:", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutMetallbObjects_TheConfigMapIsTheConfiguration()
    {
        var configMap = KubeYaml.Deserialize<V1ConfigMap>(Samples.GuideConfigMap);

        var configuration = MetalLbConfigurationReader.Resolve(configMap, new MetalLbResources());

        Assert.Equal(ConfigurationForm.ConfigMap, configuration.Form);
        Assert.Equal(["default"], configuration.Pools!.Pools.Select(p => p.Name));
        Assert.Empty(configuration.Problems);
    }

    [Fact]
    public void WithNeither_TheConfigurationIsEmptyAndValid()
    {
        var configuration = MetalLbConfigurationReader.Resolve(null, new MetalLbResources());

        Assert.Equal(ConfigurationForm.None, configuration.Form);
        Assert.True(configuration.IsValid);
        Assert.Empty(configuration.Pools!.Pools);
    }

    [Fact]
    public void AnInvalidCustomResource_IsNotRescuedByTheConfigMap()
    {
        var resources = OnePool();
        resources.Pools[0].Spec.Addresses = ["not-an-address"];
        var configMap = KubeYaml.Deserialize<V1ConfigMap>(Samples.GuideConfigMap);

        var configuration = MetalLbConfigurationReader.Resolve(configMap, resources);

        Assert.False(configuration.IsValid);
        Assert.Null(configuration.Pools);
        Assert.Contains(configuration.Errors, e => e.Kind == "IPAddressPool" && e.Field == "spec.addresses[0]");
    }

    [Fact]
    public void CheckingBothFormsTogether_ValidatesTheConfigMap_AndWarnsAtItsConfigLine()
    {
        var check = Checking.Check(Samples.GuideConfigMap + "---\n" + Samples.EveryCrdKind);

        Assert.False(check.HasErrors);
        var warning = check.Single(ProblemSeverity.Warning);
        Assert.Equal(("ConfigMap", 7), (warning.Kind, warning.Line));
        Assert.Equal(2, check.Configurations.Count);
    }
}
