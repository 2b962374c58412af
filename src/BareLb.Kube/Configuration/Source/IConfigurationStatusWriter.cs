namespace BareLb.Kube.Configuration.Source;

/// <summary>Writes the status of metallb.io configuration objects.</summary>
public interface IConfigurationStatusWriter
{
    /// <summary>
    /// Merges <paramref name="status"/> (serialized as JSON) into the status subresource of the object
    /// <paramref name="plural"/>/<paramref name="name"/> in <paramref name="objectNamespace"/>. Returns false when the
    /// object or its status subresource does not exist (MetalLB's own CRDs give only IPAddressPool a status).
    /// </summary>
    Task<bool> WriteStatusAsync(string plural, string objectNamespace, string name, object status, CancellationToken cancellationToken);
}
