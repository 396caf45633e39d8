namespace Deskpool.Core.Events;

/// <summary>
/// One entry of a pool's operator history: what happened to the pool or one of its desktops,
/// when, for whom and why. Written in the same transaction as the change it records.
/// </summary>
public sealed class PoolEvent
{
    public long Id { get; init; }

    public required string ProjectId { get; init; }

    public required string PoolId { get; init; }

    public string? DesktopId { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>One of <see cref="PoolEventKinds"/>.</summary>
    public required string Kind { get; init; }

    public string? UserName { get; init; }

    /// <summary>The cause or detail, in words an operator reads.</summary>
    public string? Detail { get; init; }

    public string? JobId { get; init; }
}

/// <summary>The kinds of events in a pool's history.</summary>
public static class PoolEventKinds
{
    public const string Created = "created";
    public const string Bound = "bound";
    public const string Connected = "connected";
    public const string Disconnected = "disconnected";
    public const string RetentionExpired = "retention-expired";
    public const string Unbound = "unbound";
    public const string Reset = "reset";
    public const string ResetFailed = "reset-failed";
    public const string Started = "started";
    public const string Stopped = "stopped";
    public const string Rebooted = "rebooted";
    public const string Hibernated = "hibernated";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
    public const string Scaled = "scaled";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Created, Bound, Connected, Disconnected, RetentionExpired, Unbound, Reset, ResetFailed,
        Started, Stopped, Rebooted, Hibernated, Failed, Deleted, Scaled,
    };
}

/// <summary>How long events are kept (<c>Deskpool:Events</c>).</summary>
public sealed class PoolEventOptions
{
    public const string Section = "Deskpool:Events";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the pruner looks for events past their retention.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}
