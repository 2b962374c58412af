namespace BareLb.Membership.Protocol;

/// <summary>What happened to a member.</summary>
public enum MemberEventKind
{
    /// <summary>A member appeared, or came back after it was dead or left.</summary>
    Joined,

    /// <summary>A live member's metadata changed.</summary>
    Updated,

    /// <summary>A member is suspected of having failed (it is still live).</summary>
    Suspect,

    /// <summary>A suspected member proved to be alive.</summary>
    Alive,

    /// <summary>A member was declared dead.</summary>
    Dead,

    /// <summary>A member left gracefully.</summary>
    Left,
}

/// <summary>A change of a member's state; <see cref="Member"/> is the member after the change.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Member">The member as it is now.</param>
/// <param name="At">When the local member saw it happen.</param>
public sealed record MemberEvent(MemberEventKind Kind, MemberInfo Member, DateTimeOffset At);
