namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>ackResp</c>: the answer to a probe, with an optional payload (memberlist's ping delegate).</summary>
internal sealed record AckResponse(uint SeqNo, byte[] Payload);
