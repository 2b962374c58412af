namespace BareLb.Core.Allocation;

/// <summary>
/// An address in use: its pool, the Services holding it, and what they must agree on to share it.
/// A struct kept inside the allocator's dictionary, so that holding an address allocates nothing
/// beyond the Service's assignment; a list appears only when a second Service shares the address.
/// </summary>
internal struct AddressHolding(PoolIndex pool, string? sharingKey, string? backendKey)
{
    private Assignment? _first;
    private List<Assignment>? _others;

    public readonly PoolIndex Pool { get; } = pool;

    public string? SharingKey { get; set; } = sharingKey;

    public string? BackendKey { get; set; } = backendKey;

    public readonly int Count => (_first is null ? 0 : 1) + (_others?.Count ?? 0);

    public readonly Assignment this[int index] => index == 0 ? _first! : _others![index - 1];

    public void Add(Assignment assignment)
    {
        if (_first is null)
        {
            _first = assignment;
        }
        else
        {
            (_others ??= []).Add(assignment);
        }
    }

    public void Remove(Assignment assignment)
    {
        if (!ReferenceEquals(_first, assignment))
        {
            _others?.Remove(assignment);
        }
        else if (_others is { Count: > 0 } others)
        {
            _first = others[^1];
            others.RemoveAt(others.Count - 1);
        }
        else
        {
            _first = null;
        }
    }
}
