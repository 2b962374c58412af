using System.Collections;
using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>The addresses a Service holds (one, or one per family) and the pool they came from.</summary>
public sealed class Assignment : IReadOnlyList<IPAddr>
{
    private readonly IPAddr _first;
    private readonly IPAddr _second;

    internal Assignment(ServiceRequest request, string pool, IPAddr first, IPAddr? second)
    {
        Request = request;
        Pool = pool;
        _first = first;
        _second = second ?? default;
        Count = second is null ? 1 : 2;
    }

    /// <summary>The Service.</summary>
    public ServiceKey Service => Request.Key;

    /// <summary>The pool the addresses came from.</summary>
    public string Pool { get; }

    /// <summary>The request this assignment last satisfied.</summary>
    public ServiceRequest Request { get; internal set; }

    /// <summary>The number of addresses: 1 or 2.</summary>
    public int Count { get; }

    /// <summary>The address at an index (the Service's primary family first).</summary>
    public IPAddr this[int index] => index switch
    {
        0 => _first,
        1 when Count == 2 => _second,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Whether the assignment holds this address.</summary>
    public bool Holds(IPAddr address) => _first == address || (Count == 2 && _second == address);

    /// <summary>Whether the assignment holds exactly these addresses, in any order.</summary>
    public bool HoldsExactly(IReadOnlyList<IPAddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count != Count)
        {
            return false;
        }

        foreach (var address in addresses)
        {
            if (!Holds(address))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public IEnumerator<IPAddr> GetEnumerator()
    {
        yield return _first;
        if (Count == 2)
        {
            yield return _second;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"ns/name: 198.18.35.100 from default".</summary>
    public override string ToString() => Count == 1 ? $"{Service}: {_first} from {Pool}" : $"{Service}: {_first}, {_second} from {Pool}";
}
