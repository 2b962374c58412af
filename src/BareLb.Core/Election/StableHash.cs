using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// Hashes that every process on every machine computes alike (unlike <see cref="string.GetHashCode()"/>,
/// which is randomised per process): FNV-1a over a name's characters, and a 64-bit finaliser
/// (splitmix64's) that spreads bits for rendezvous hashing.
/// </summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(hash);
    }

    public static ulong Of(IPAddr address)
    {
        var value = address.Value;
        return Mix((ulong)value ^ Mix((ulong)(value >> 64) ^ (ulong)address.Family));
    }

    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }
}
