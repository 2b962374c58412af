namespace BareLb.Speaker.Commands;

/// <summary>The environment refused something the command needs at start: one line on stderr, exit code 1.</summary>
internal sealed class StartupException : Exception
{
    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException()
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
