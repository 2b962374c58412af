namespace BareLb.Lab.Soak;

/// <summary>What a soak did at one step.</summary>
public enum SoakActionKind
{
    /// <summary>A LoadBalancer Service was created.</summary>
    CreateService,

    /// <summary>A Service was deleted.</summary>
    DeleteService,

    /// <summary>A Service was switched between ClusterIP and LoadBalancer.</summary>
    SwitchType,

    /// <summary>A Service was switched between IPv4, IPv6 and dual stack.</summary>
    SwitchFamily,

    /// <summary>A speaker was killed (SIGKILL) and started again a moment later.</summary>
    KillSpeaker,

    /// <summary>A speaker was stopped (SIGTERM, a planned hand-over) and started again.</summary>
    RestartSpeaker,

    /// <summary>A node's link was set down and, a moment later, up.</summary>
    FlapLink,

    /// <summary>The configuration changed (a pool or an L2Advertisement).</summary>
    ChangeConfiguration,
}
