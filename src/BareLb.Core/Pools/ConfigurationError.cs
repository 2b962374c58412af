namespace BareLb.Core.Pools;

/// <summary>One problem in a configuration: the object, the field and the reason, fit for an event.</summary>
/// <param name="Kind">The kind of the offending object, e.g. "IPAddressPool".</param>
/// <param name="ObjectName">The offending object's name.</param>
/// <param name="Field">The field path, e.g. "spec.addresses[1]".</param>
/// <param name="Message">Why it is wrong.</param>
public sealed record ConfigurationError(string Kind, string ObjectName, string Field, string Message)
{
    /// <summary>"IPAddressPool default: spec.addresses[1]: reason".</summary>
    public override string ToString() => Field.Length == 0 ? $"{Kind} {ObjectName}: {Message}" : $"{Kind} {ObjectName}: {Field}: {Message}";
}
