using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Tests;

/// <summary>A logger factory whose loggers keep every entry (event id, text, structured values, exception), for tests that check what was logged.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];

    /// <summary>Every entry so far, from every logger.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    private sealed class ListLogger(ListLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
                : [];
            factory.Add(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), values, exception));
        }
    }
}

/// <summary>One logged entry.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, int EventId, string Text, IReadOnlyDictionary<string, object?> Values, Exception? Exception);
