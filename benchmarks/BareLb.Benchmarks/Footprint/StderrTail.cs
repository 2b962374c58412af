namespace BareLb.Benchmarks.Footprint;

/// <summary>The last few lines a measured process wrote to stderr, to say why it exited.</summary>
internal sealed class StderrTail
{
    private const int Keep = 5;
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > Keep)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _lines.Count == 0 ? "(nothing on stderr)" : string.Join(" / ", _lines);
        }
    }
}
