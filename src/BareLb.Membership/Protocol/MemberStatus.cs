namespace BareLb.Membership.Protocol;

/// <summary>A member's state as one member sees it (memberlist's <c>NodeStateType</c>).</summary>
public enum MemberStatus
{
    /// <summary>Answers probes, or its latest news says it is alive.</summary>
    Alive = 0,

    /// <summary>Failed a probe; dead unless it refutes before its suspicion times out. Still a live member.</summary>
    Suspect = 1,

    /// <summary>Declared dead after a suspicion timed out.</summary>
    Dead = 2,

    /// <summary>Left gracefully (it declared itself dead).</summary>
    Left = 3,
}
