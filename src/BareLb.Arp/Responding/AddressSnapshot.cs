using BareLb.Core.Addresses;

namespace BareLb.Arp.Responding;

/// <summary>
/// An immutable open-addressing hash set of announced addresses (IPv4 and IPv6 apart), sized
/// to at most half full so that a lookup probes one or two slots. 0.0.0.0 and :: mark empty
/// slots; neither can be announced.
/// </summary>
internal sealed class AddressSnapshot
{
    public static readonly AddressSnapshot Empty = Build([]);

    private readonly uint[] _v4Keys;
    private readonly AnnouncedAddress?[] _v4Values;
    private readonly UInt128[] _v6Keys;
    private readonly AnnouncedAddress?[] _v6Values;

    private AddressSnapshot(int count, int v4Capacity, int v6Capacity)
    {
        Count = count;
        _v4Keys = new uint[v4Capacity];
        _v4Values = new AnnouncedAddress?[v4Capacity];
        _v6Keys = new UInt128[v6Capacity];
        _v6Values = new AnnouncedAddress?[v6Capacity];
    }

    public int Count { get; }

    public static AddressSnapshot Build(IEnumerable<AnnouncedAddress> entries)
    {
        var list = entries as ICollection<AnnouncedAddress> ?? [.. entries];
        var v4 = 0;
        foreach (var e in list)
        {
            v4 += e.Address.IsIPv4 ? 1 : 0;
        }

        var snapshot = new AddressSnapshot(list.Count, CapacityFor(v4), CapacityFor(list.Count - v4));
        foreach (var e in list)
        {
            if (e.Address.IsIPv4)
            {
                var key = e.Address.ToUInt32();
                var mask = snapshot._v4Keys.Length - 1;
                var i = Hash(key) & mask;
                while (snapshot._v4Keys[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                snapshot._v4Keys[i] = key;
                snapshot._v4Values[i] = e;
            }
            else
            {
                var key = e.Address.Value;
                var mask = snapshot._v6Keys.Length - 1;
                var i = Hash(key) & mask;
                while (snapshot._v6Keys[i] != UInt128.Zero)
                {
                    i = (i + 1) & mask;
                }

                snapshot._v6Keys[i] = key;
                snapshot._v6Values[i] = e;
            }
        }

        return snapshot;
    }

    public AnnouncedAddress? FindIPv4(uint address)
    {
        if (address == 0)
        {
            return null;
        }

        var keys = _v4Keys;
        var mask = keys.Length - 1;
        var i = Hash(address) & mask;
        while (true)
        {
            var k = keys[i];
            if (k == address)
            {
                return _v4Values[i];
            }

            if (k == 0)
            {
                return null;
            }

            i = (i + 1) & mask;
        }
    }

    public AnnouncedAddress? FindIPv6(UInt128 address)
    {
        if (address == UInt128.Zero)
        {
            return null;
        }

        var keys = _v6Keys;
        var mask = keys.Length - 1;
        var i = Hash(address) & mask;
        while (true)
        {
            var k = keys[i];
            if (k == address)
            {
                return _v6Values[i];
            }

            if (k == UInt128.Zero)
            {
                return null;
            }

            i = (i + 1) & mask;
        }
    }

    public AnnouncedAddress? Find(IPAddr address) => address.IsIPv4 ? FindIPv4(address.ToUInt32()) : FindIPv6(address.Value);

    private static int CapacityFor(int count) => (int)Math.Max(4, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(count * 2) + 1));

    private static int Hash(uint key) => (int)((key * 0x9E37_79B1u) >> 1) ^ (int)(key >> 16);

    private static int Hash(UInt128 key)
    {
        var folded = (ulong)key ^ (ulong)(key >> 64);
        return (int)((folded * 0x9E37_79B9_7F4A_7C15UL) >> 33);
    }
}
