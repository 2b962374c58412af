namespace BareLb.Lab;

/// <summary>A lab could not be built or changed: a command failed, a name or address was refused, a process did not start.</summary>
public sealed class LabException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public LabException()
    {
    }

    /// <summary>Creates an exception with a message naming the object, the field and the reason.</summary>
    /// <param name="message">The message.</param>
    public LabException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LabException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
