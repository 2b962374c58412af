using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace BareLb.Kube.Serialization;

/// <summary>
/// Adds <see cref="BareLbJsonContext"/> to KubernetesClient.Aot's own JSON options when this assembly loads, so that
/// the client's generated calls can write what its source-generated metadata alone cannot: <c>metallb.io</c> objects,
/// and <see cref="System.Text.Json.JsonElement"/> values in the models' <see cref="object"/> fields (a
/// CustomResourceDefinition's schema, read through <see cref="KubeJson"/>).
/// </summary>
internal static class ClientJsonRegistration
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "KubernetesClient's options can only be extended before their first use, and no call of the client may come first.")]
    internal static void Register() =>
        KubernetesJson.AddJsonOptions(options =>
        {
            // Already used (a client call in this process before this assembly loaded): the options are frozen, and
            // BareLb's own writes go through KubeJson regardless.
            if (!options.IsReadOnly)
            {
                options.TypeInfoResolver = JsonTypeInfoResolver.Combine(options.TypeInfoResolver, BareLbJsonContext.Default);
            }
        });
}
