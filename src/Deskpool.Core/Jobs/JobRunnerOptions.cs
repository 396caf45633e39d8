namespace Deskpool.Core.Jobs;

public sealed class JobRunnerOptions
{
    public const string Section = "Deskpool:Jobs";

    /// <summary>Sub-jobs claimed per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Driver calls in flight at once on this node.</summary>
    public int MaxParallelism { get; set; } = 32;

    /// <summary>How long a claim holds before another node may take the work over; renewed while working.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle worker looks for work it was not signalled about (other nodes', retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts at a sub-job that keeps failing unexpectedly before it is failed for good.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a create or reset may take before the desktop counts as never ready: the step then
    /// fails with its own cause instead of waiting for ever (a Windows boot takes minutes, so the
    /// default is generous).
    /// </summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromMinutes(20);
}

/// <summary>The name this server process goes by when it holds leases.</summary>
public sealed record NodeIdentity(string Id);
