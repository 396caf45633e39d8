namespace Deskpool.Core.Broker;

public sealed class BrokerOptions
{
    public const string Section = "Deskpool:Broker";

    /// <summary>How long an end user's sign-in lasts.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a connection ticket may be redeemed; it works once.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wrong passwords in a row that lock the account (an administrator unlocks it).</summary>
    public int LockAfterFailures { get; set; } = 5;

    /// <summary>Wrong passwords in a row after which each further attempt must wait (doubling each time).</summary>
    public int SlowDownAfterFailures { get; set; } = 2;

    /// <summary>The wait after the first slowed-down failure; it doubles with each further one.</summary>
    public TimeSpan SlowDownBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What "retry after" a connect answers while a desktop is being prepared.</summary>
    public TimeSpan PreparingRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a binding made for a user who has not connected yet (a desktop created on access)
    /// waits for them, when the pool has no retention period of its own.
    /// </summary>
    public TimeSpan UnclaimedHold { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>A connected session whose agent stops reporting for this long counts as disconnected.</summary>
    public TimeSpan AgentSilenceLimit { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often the timers and the autoscaler look again without being told (the catch-up).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Creation failures in a row that mark a pool degraded and pause its autoscaling.</summary>
    public int DegradeAfterFailures { get; set; } = 3;

    /// <summary>The first back-off after a failed creation; it doubles with each further failure.</summary>
    public TimeSpan ScaleBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most connects one write transaction assigns together (group commit).</summary>
    public int MaxClaimBatch { get; set; } = 256;
}
