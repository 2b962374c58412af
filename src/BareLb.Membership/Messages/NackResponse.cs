namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>nackResp</c>: an indirect prober's word that the target did not answer in time.</summary>
internal sealed record NackResponse(uint SeqNo);
