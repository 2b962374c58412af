namespace BareLb.Membership.Messages;

/// <summary>memberlist <c>userMsgHeader</c>: the length of a user message that follows on a stream.</summary>
internal sealed record UserMessageHeader(int UserMsgLen);
