namespace BareLb.Membership.Messages;

/// <summary>A member's state as memberlist puts it on the wire in push-pull state (<c>nodeStateType</c>).</summary>
internal enum MemberWireState : byte
{
    Alive = 0,
    Suspect = 1,
    Dead = 2,
    Left = 3,
}
