namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>errResp</c>: a stream peer's error.</summary>
internal sealed record ErrorResponse(string Error);
