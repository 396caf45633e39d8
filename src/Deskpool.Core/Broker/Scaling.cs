namespace Deskpool.Core.Broker;

/// <summary>
/// The autoscaler's own row per pool: its failure streak, pause and degradation, and a version
/// every scaling write bumps. Two scalers deciding for one pool at once cannot both win: the
/// second save fails on the version and decides again on fresh counts.
/// </summary>
public sealed class PoolScaling
{
    public required string PoolId { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>Creations that failed in a row (a success resets it).</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>No creation before this instant (back-off after a failure).</summary>
    public DateTimeOffset? PausedUntil { get; set; }

    /// <summary>Set when failures repeated: creation stops until an administrator resumes it.</summary>
    public string? DegradedReason { get; set; }

    public DateTimeOffset? DegradedAt { get; set; }

    /// <summary>The reason of the last recorded decision, so that an unchanged "nothing to do" is not recorded again.</summary>
    public string? LastReason { get; set; }

    public long Version { get; set; }
}

/// <summary>One decision of the autoscaler, with the inputs it saw and why it chose what it did.</summary>
public sealed class ScalingDecision
{
    public long Id { get; init; }

    public required string ProjectId { get; init; }

    public required string PoolId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>What made the scaler look: bind, unbind, access, periodic, failure.</summary>
    public required string Trigger { get; init; }

    public required string AutoscaleType { get; init; }

    public int Idle { get; init; }

    public int Creating { get; init; }

    public int AutoCreated { get; init; }

    public int? Threshold { get; init; }

    public int? Batch { get; init; }

    public int Maximum { get; init; }

    public int QuotaRemaining { get; init; }

    /// <summary>How many desktops the decision creates (0 for none).</summary>
    public int Created { get; init; }

    public required string Reason { get; init; }

    public string? JobId { get; init; }
}
