using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>An address in use: its pool, the Services holding it, and what they must agree on to share it.</summary>
internal sealed class AddressHolding(IPAddr address, PoolIndex pool, string? sharingKey, string? backendKey)
{
    public IPAddr Address { get; } = address;

    public PoolIndex Pool { get; } = pool;

    public string? SharingKey { get; set; } = sharingKey;

    public string? BackendKey { get; set; } = backendKey;

    public List<Assignment> Users { get; } = new(1);
}
