namespace Deskpool.Core.Desktops;

/// <summary>One virtual machine of a pool.</summary>
public sealed class Desktop
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string PoolId { get; init; }

    public required string ComputerName { get; init; }

    public required string AvailabilityZone { get; init; }

    public required string SubnetId { get; init; }

    /// <summary>The address taken from the subnet; released (null) once the desktop is deleted.</summary>
    public string? IpAddress { get; set; }

    public required string MacAddress { get; init; }

    public DesktopState State { get; private set; }

    public string? FailReason { get; set; }

    public string? ErrorCode { get; set; }

    /// <summary>True for desktops the autoscaler created (on-demand desktops).</summary>
    public bool OnDemand { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset StateChangedAt { get; private set; }

    public List<DesktopStateChange> History { get; } = [];

    public static Desktop Plan(
        string id,
        string projectId,
        string poolId,
        string computerName,
        string zone,
        string subnetId,
        string? ipAddress,
        string macAddress,
        DateTimeOffset now,
        bool onDemand = false)
    {
        var desktop = new Desktop
        {
            Id = id,
            ProjectId = projectId,
            PoolId = poolId,
            ComputerName = computerName,
            AvailabilityZone = zone,
            SubnetId = subnetId,
            IpAddress = ipAddress,
            MacAddress = macAddress,
            OnDemand = onDemand,
            CreatedAt = now,
        };
        desktop.State = DesktopState.Creating;
        desktop.StateChangedAt = now;
        desktop.History.Add(new DesktopStateChange
        {
            DesktopId = id,
            From = null,
            To = DesktopState.Creating,
            At = now,
        });
        return desktop;
    }

    /// <summary>
    /// Moves to a new state, recording when and why; refuses a move the state machine forbids. A move
    /// is never dated before the move it follows, so a clock that jumped back (or a node whose clock
    /// lags) cannot reorder the history that metering reads.
    /// </summary>
    public void MoveTo(DesktopState next, DateTimeOffset now, string? reason = null)
    {
        if (next == State)
        {
            return;
        }

        if (!DesktopTransitions.CanMove(State, next))
        {
            throw new InvalidOperationException($"Desktop {ComputerName} cannot move from {State} to {next}.");
        }

        var at = now < StateChangedAt ? StateChangedAt : now;
        History.Add(new DesktopStateChange { DesktopId = Id, From = State, To = next, At = at, Reason = reason });
        State = next;
        StateChangedAt = at;
        if (next == DesktopState.Deleted)
        {
            IpAddress = null;
        }
    }
}

/// <summary>One move of a desktop's state; the stored history metering and event views read from.</summary>
public sealed class DesktopStateChange
{
    public long Id { get; init; }

    public required string DesktopId { get; init; }

    public DesktopState? From { get; init; }

    public DesktopState To { get; init; }

    public DateTimeOffset At { get; init; }

    public string? Reason { get; init; }
}
