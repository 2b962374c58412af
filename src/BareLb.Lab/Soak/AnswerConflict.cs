using System.Net;

namespace BareLb.Lab.Soak;

/// <summary>Two MACs that claimed one address at once, outside any hand-over window.</summary>
/// <param name="Address">The address.</param>
/// <param name="FirstMac">The MAC that claimed it first.</param>
/// <param name="FirstTime">When.</param>
/// <param name="SecondMac">The other MAC.</param>
/// <param name="SecondTime">When.</param>
public sealed record AnswerConflict(IPAddress Address, string FirstMac, DateTimeOffset FirstTime, string SecondMac, DateTimeOffset SecondTime);
