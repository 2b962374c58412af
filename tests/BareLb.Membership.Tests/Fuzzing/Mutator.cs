namespace BareLb.Membership.Tests.Fuzzing;

/// <summary>Seeded mutations of valid inputs: bit flips, cuts, insertions, MessagePack-significant bytes, duplicated runs, random bytes.</summary>
internal sealed class Mutator(int seed)
{
    // Message types, label and encryption markers, and MessagePack headers that change lengths and types.
    private static readonly byte[] Interesting = [0, 1, 2, 6, 7, 8, 9, 10, 12, 13, 244, 255, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xcc, 0xcd, 0xce, 0xcf, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf];

    public Random Random { get; } = new(seed);

    public byte[] RandomBytes(int maxLength)
    {
        var bytes = new byte[Random.Next(maxLength + 1)];
        Random.NextBytes(bytes);
        if (bytes.Length > 0 && Random.Next(2) == 0)
        {
            bytes[0] = Interesting[Random.Next(Interesting.Length)];
        }

        return bytes;
    }

    public byte[] Mutate(byte[] input)
    {
        var bytes = new List<byte>(input);
        var rounds = 1 + Random.Next(4);
        for (var round = 0; round < rounds; round++)
        {
            switch (Random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[Random.Next(bytes.Count)] ^= (byte)(1 << Random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveRange(Random.Next(bytes.Count), bytes.Count - Random.Next(bytes.Count) > 0 ? 1 : 0);
                    bytes = bytes.Take(Random.Next(bytes.Count + 1)).ToList();
                    break;
                case 2:
                    bytes.Insert(Random.Next(bytes.Count + 1), Interesting[Random.Next(Interesting.Length)]);
                    break;
                case 3 when bytes.Count > 0:
                    bytes[Random.Next(bytes.Count)] = Interesting[Random.Next(Interesting.Length)];
                    break;
                case 4 when bytes.Count > 1:
                    {
                        var start = Random.Next(bytes.Count);
                        var length = Random.Next(Math.Min(64, bytes.Count - start) + 1);
                        bytes.InsertRange(Random.Next(bytes.Count + 1), bytes.GetRange(start, length));
                        break;
                    }

                case 5 when bytes.Count > 2:
                    {
                        // A big-endian length or count made huge or zero.
                        var at = Random.Next(bytes.Count - 1);
                        var value = Random.Next(3) switch { 0 => (byte)0, 1 => (byte)0xff, _ => (byte)Random.Next(256) };
                        bytes[at] = value;
                        bytes[at + 1] = value;
                        break;
                    }

                default:
                    if (bytes.Count > 0)
                    {
                        bytes[Random.Next(bytes.Count)] = (byte)Random.Next(256);
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
