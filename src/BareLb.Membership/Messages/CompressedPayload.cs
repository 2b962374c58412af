namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>compress</c>: <see cref="Buf"/> holds a message compressed with <see cref="Algo"/> (0 is LZW, the only one).</summary>
internal sealed record CompressedPayload(int Algo, byte[] Buf);
