namespace BareLb.Arp.Transports;

/// <summary>A transport could not be opened; the message is one sentence fit for an operator.</summary>
public sealed class FrameTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FrameTransportException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public FrameTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public FrameTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
