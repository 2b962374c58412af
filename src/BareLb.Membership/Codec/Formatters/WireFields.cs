using System.Buffers;
using MessagePack;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>
/// Field helpers shared by the message formatters, so that every message is read and written as
/// go-msgpack's <c>MsgpackHandle{}</c> (memberlist's settings) does: a struct is a map keyed by
/// field name, in the order of the names (go-msgpack sorts a struct's fields by name); a nil
/// <c>[]byte</c> is msgpack nil; bytes and strings are written as raw (str) since
/// <c>WriteExt</c> is off (the writer runs in old-spec mode); on reading, unknown fields are skipped
/// and bytes may come as str, bin or nil.
/// </summary>
internal static class WireFields
{
    /// <summary>Deepest nesting of an unknown field's value that is skipped; deeper input is refused.</summary>
    public const int MaxSkipDepth = 16;

    /// <summary>Writes bytes as go-msgpack writes a <c>[]byte</c>: nil when empty (a nil slice), else raw.</summary>
    public static void WriteBytes(ref MessagePackWriter writer, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            writer.WriteNil();
            return;
        }

        writer.Write(value);
    }

    /// <summary>Reads a <c>[]byte</c> field: nil, str (raw) or bin; never returns null.</summary>
    public static byte[] ReadBytes(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return [];
        }

        var sequence = reader.NextMessagePackType == MessagePackType.String ? reader.ReadStringSequence() : reader.ReadBytes();
        return sequence is { } bytes ? bytes.ToArray() : [];
    }

    /// <summary>
    /// Reads a <c>[]byte</c> or string field in place, as <see cref="ReadBytes"/> and <see cref="ReadString"/> accept
    /// it (nil, str or bin; nil reads as empty): the span points into the reader's buffer.
    /// </summary>
    public static ReadOnlySpan<byte> ReadRaw(scoped ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return default;
        }

        var sequence = reader.NextMessagePackType == MessagePackType.String ? reader.ReadStringSequence() : reader.ReadBytes();
        return sequence switch
        {
            { IsSingleSegment: true } bytes => bytes.FirstSpan,
            { } bytes => bytes.ToArray(),
            null => default,
        };
    }

    /// <summary>Reads a map key in place, as <see cref="ReadKey"/> reads it (a key of another type reads as empty, its value skipped by the caller).</summary>
    public static ReadOnlySpan<byte> ReadKeyRaw(scoped ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType is MessagePackType.String or MessagePackType.Binary or MessagePackType.Nil)
        {
            return ReadRaw(ref reader);
        }

        Skip(ref reader);
        return default;
    }

    /// <summary>Reads a string field (nil reads as empty).</summary>
    public static string ReadString(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return string.Empty;
        }

        if (reader.NextMessagePackType == MessagePackType.Binary)
        {
            var bytes = reader.ReadBytes();
            return bytes is { } b ? System.Text.Encoding.UTF8.GetString(b.ToArray()) : string.Empty;
        }

        return reader.ReadString() ?? string.Empty;
    }

    /// <summary>Reads a map key as a string; a key of another type reads as empty (and its value is skipped by the caller).</summary>
    public static string ReadKey(ref MessagePackReader reader)
    {
        var type = reader.NextMessagePackType;
        if (type is MessagePackType.String or MessagePackType.Binary or MessagePackType.Nil)
        {
            return ReadString(ref reader);
        }

        Skip(ref reader);
        return string.Empty;
    }

    /// <summary>Reads the map header of a message.</summary>
    public static int ReadMapHeader(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType != MessagePackType.Map)
        {
            throw new MessagePackSerializationException($"expected a map (a memberlist struct), found {reader.NextMessagePackType}");
        }

        return reader.ReadMapHeader();
    }

    /// <summary>Skips one value, refusing nesting deeper than <see cref="MaxSkipDepth"/> (so that hostile input cannot recurse deeply).</summary>
    public static void Skip(ref MessagePackReader reader) => Skip(ref reader, 0);

    private static void Skip(ref MessagePackReader reader, int depth)
    {
        if (depth > MaxSkipDepth)
        {
            throw new MessagePackSerializationException($"a field nests deeper than {MaxSkipDepth} levels");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Array:
                for (var i = reader.ReadArrayHeader(); i > 0; i--)
                {
                    Skip(ref reader, depth + 1);
                }

                break;
            case MessagePackType.Map:
                for (var i = reader.ReadMapHeader(); i > 0; i--)
                {
                    Skip(ref reader, depth + 1);
                    Skip(ref reader, depth + 1);
                }

                break;
            default:
                reader.Skip();
                break;
        }
    }
}
