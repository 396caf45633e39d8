namespace Deskpool.Core.Metering;

/// <summary>
/// The roll-up of one pool over one UTC hour: the sums of its desktops' bill lines for that hour.
/// A derived cache of the state history, rebuilt whenever the history it summed turns out to have
/// changed; reports read it for closed hours instead of the history itself.
/// </summary>
public sealed class PoolHourCost
{
    public required string PoolId { get; init; }

    public required string ProjectId { get; init; }

    public DateTimeOffset HourStart { get; init; }

    public long RunningSeconds { get; init; }

    public long DiskGbSeconds { get; init; }

    public decimal ComputeAmount { get; init; }

    public decimal DiskAmount { get; init; }
}

/// <summary>
/// How far the roll-ups reach (one row). <see cref="MeteredUntil"/>: every hour before it is rolled
/// up; <see cref="LastChangeId"/>: the newest state change the roll-ups had seen, so that a change
/// written later but dated earlier is noticed. <see cref="Version"/> lets only one node advance it.
/// </summary>
public sealed class MeterProgress
{
    public const int SingletonId = 1;

    public int Id { get; init; } = SingletonId;

    public DateTimeOffset? MeteredUntil { get; set; }

    public long LastChangeId { get; set; }

    public long Version { get; set; }
}

/// <summary>
/// Where a desktop stood at the roll-ups' reach (<see cref="MeterProgress.MeteredUntil"/>), written
/// with them in one transaction, so that metering onward from the reach need not look each
/// desktop's last change up in the history. Desktops deleted by then have none.
/// </summary>
public sealed class MeterCursor
{
    public required string DesktopId { get; init; }

    public Desktops.DesktopState State { get; init; }

    public bool HasRun { get; init; }
}
