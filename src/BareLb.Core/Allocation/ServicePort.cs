namespace BareLb.Core.Allocation;

/// <summary>A (protocol, port) pair a Service exposes; two Services sharing an address may not have one in common.</summary>
/// <param name="Protocol">The protocol.</param>
/// <param name="Port">The port number.</param>
public readonly record struct ServicePort(TransportProtocol Protocol, int Port)
{
    /// <summary>"80/TCP", as kubectl prints it.</summary>
    public override string ToString() => $"{Port}/{Protocol.ToString().ToUpperInvariant()}";
}
