namespace BareLb.Membership.Codec.Streams;

/// <summary>
/// Reads memberlist's stream content: single bytes, runs of bytes, and MessagePack messages one
/// after another (as go-msgpack's stream decoder does), with a budget of bytes (memberlist's
/// 20 MiB push-pull limit) so that a peer cannot make us buffer without end. Never throws on bad
/// input; I/O errors and cancellation propagate.
/// </summary>
internal sealed class WireStreamReader(Stream stream, long budget)
{
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private long _read;
    private bool _ended;

    /// <summary>Whether the stream tried to deliver more than the budget.</summary>
    public bool BudgetExceeded { get; private set; }

    /// <summary>A reader of bytes already in memory (a decrypted or decompressed stream).</summary>
    public static WireStreamReader FromMemory(byte[] bytes, int offset)
        => new(new MemoryStream(bytes, offset, bytes.Length - offset, writable: false), bytes.Length);

    /// <summary>The next byte, or -1 at the end.</summary>
    public async ValueTask<int> ReadByteAsync(CancellationToken cancellationToken)
        => await FillAsync(1, cancellationToken).ConfigureAwait(false) ? _buffer[_start++] : -1;

    /// <summary>The next <paramref name="count"/> bytes, or null when the stream ends first.</summary>
    public async ValueTask<byte[]?> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        if (count < 0 || count > budget)
        {
            BudgetExceeded = count > budget;
            return null;
        }

        if (!await FillAsync(count, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var bytes = _buffer.AsSpan(_start, count).ToArray();
        _start += count;
        return bytes;
    }

    /// <summary>The next message, or null with the status when it is malformed or the stream ends first.</summary>
    public async ValueTask<(MessageCodec.Status Status, T? Message)> ReadMessageAsync<T>(CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var status = MessageCodec.TryDecodePrefix<T>(_buffer.AsMemory(_start, _end - _start), out var message, out var consumed);
            switch (status)
            {
                case MessageCodec.Status.Ok:
                    _start += consumed;
                    return (status, message);
                case MessageCodec.Status.Malformed:
                    return (status, null);
            }

            if (!await FillAsync(_end - _start + 1, cancellationToken).ConfigureAwait(false))
            {
                return (MessageCodec.Status.Incomplete, null);
            }
        }
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered; false when the stream or the budget ends first.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_ended)
            {
                return false;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_buffer.Length < count || _end == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
            }

            var room = (int)Math.Min(_buffer.Length - _end, budget - _read + 1);
            if (room <= 0)
            {
                BudgetExceeded = true;
                _ended = true;
                return false;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end, room), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _ended = true;
                return false;
            }

            _read += read;
            _end += read;
            if (_read > budget)
            {
                BudgetExceeded = true;
                _ended = true;
                return false;
            }
        }

        return true;
    }
}
