using System.Buffers;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec.Streams;

/// <summary>
/// A push-pull exchange as memberlist sends it on a stream (<c>sendLocalState</c>,
/// <c>readRemoteState</c>): the type byte 6, a <see cref="PushPullHeader"/>, that many
/// <see cref="PushNodeState"/> entries, then the user state's bytes.
/// </summary>
internal sealed record PushPullState(bool Join, IReadOnlyList<PushNodeState> Nodes, byte[] UserState)
{
    /// <summary>The most node entries we accept from one peer (a 20 MiB state holds about 200,000 small ones).</summary>
    public const int MaxNodes = 1 << 17;

    /// <summary>The message (type byte included), before stream framing.</summary>
    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (Nodes.Count * 96) + UserState.Length);
        MessageCodec.Write(buffer, MessageType.PushPull, new PushPullHeader(Nodes.Count, UserState.Length, Join));
        foreach (var node in Nodes)
        {
            MessageCodec.WriteBody(buffer, node);
        }

        buffer.Write(UserState);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the state that follows a push-pull type byte.</summary>
    public static async Task<(DropReason Reason, PushPullState? State)> ReadAsync(WireStreamReader reader, CancellationToken cancellationToken)
    {
        var (reason, header) = await WireStream.ReadBodyAsync<PushPullHeader>(reader, cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return (reason, null);
        }

        if (header.Nodes < 0 || header.UserStateLen < 0)
        {
            return (DropReason.Malformed, null);
        }

        if (header.Nodes > MaxNodes || header.UserStateLen > WireStream.MaxStreamBytes)
        {
            return (DropReason.Oversized, null);
        }

        var nodes = new List<PushNodeState>(Math.Min(header.Nodes, 1024));
        for (var i = 0; i < header.Nodes; i++)
        {
            (reason, var node) = await WireStream.ReadBodyAsync<PushNodeState>(reader, cancellationToken).ConfigureAwait(false);
            if (node is null)
            {
                return (reason, null);
            }

            nodes.Add(node);
        }

        var userState = header.UserStateLen == 0 ? [] : await reader.ReadBytesAsync(header.UserStateLen, cancellationToken).ConfigureAwait(false);
        if (userState is null)
        {
            return (reader.BudgetExceeded ? DropReason.Oversized : DropReason.Truncated, null);
        }

        return (DropReason.None, new PushPullState(header.Join, nodes, userState));
    }
}
