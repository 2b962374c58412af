using System.Runtime.CompilerServices;
using BareLb.Kube.Serialization;

namespace BareLb.Hosts.Tests;

/// <summary>The tests read and write every kind a cluster has, also through the client's own generated calls.</summary>
internal static class AllKinds
{
    [ModuleInitializer]
    internal static void Include() => KubeJson.IncludeAllBuiltInKinds();
}
