namespace Deskpool.Core.Jobs;

/// <summary>
/// The durable record of an operation that touches desktops. Progress is derived from its
/// sub-jobs; the job itself only turns terminal once every sub-job has.
/// </summary>
public sealed class Job
{
    /// <summary>The longest failure summary kept; the database column holds no more.</summary>
    public const int MaxFailReasonLength = 4000;

    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string JobType { get; init; }

    public string? PoolId { get; init; }

    public JobStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? BeginAt { get; set; }

    public DateTimeOffset? EndAt { get; set; }

    public int SubJobsTotal { get; init; }

    public int SucceededCount { get; set; }

    public int FailedCount { get; set; }

    public string? ErrorCode { get; set; }

    public string? FailReason { get; set; }

    /// <summary>
    /// The W3C trace parent of the request that created the job, if it was traced; the worker's
    /// activity links to it, so one trace leads from the request to the driver calls.
    /// </summary>
    public string? TraceParent { get; set; }

    public List<SubJob> SubJobs { get; init; } = [];

    /// <summary>A new job, waiting for its sub-jobs to be claimed.</summary>
    public static Job New(string projectId, string jobType, string? poolId, int subJobs, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        ProjectId = projectId,
        JobType = jobType,
        PoolId = poolId,
        Status = JobStatus.Waiting,
        CreatedAt = now,
        SubJobsTotal = subJobs,
    };
}

/// <summary>One desktop's share of a job, claimed by a worker through a lease.</summary>
public sealed class SubJob
{
    public required string Id { get; init; }

    public required string JobId { get; init; }

    public required string ProjectId { get; init; }

    public required string JobType { get; init; }

    public required string DesktopId { get; init; }

    public required string DesktopName { get; init; }

    /// <summary>What to do to the desktop (the operation the worker runs).</summary>
    public required DesktopOperation Operation { get; init; }

    /// <summary>Operation argument, e.g. SOFT or HARD for stops and reboots.</summary>
    public string? Argument { get; init; }

    public SubJobStatus Status { get; set; }

    public int Progress { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? BeginAt { get; set; }

    public DateTimeOffset? EndAt { get; set; }

    public string? ErrorCode { get; set; }

    public string? FailReason { get; set; }

    /// <summary>The node holding the lease, and until when; an expired lease may be taken over.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? ClaimToken { get; set; }
}

public enum JobStatus
{
    Waiting,
    Running,
    Success,

    /// <summary>Some or all sub-jobs failed; <see cref="Job.FailedCount"/> tells how many.</summary>
    Fail,
}

public enum SubJobStatus
{
    Waiting,
    Running,
    Success,
    Failed,
}

public enum DesktopOperation
{
    Create,
    Start,
    Stop,
    Reboot,
    Hibernate,
    Delete,

    /// <summary>Rebuild the system disk from the image (after a dynamic binding ends).</summary>
    Reset,
}

public static class JobTypes
{
    public const string CreateDesktopPool = "createDesktopPool";
    public const string ExpandDesktopPool = "expandDesktopPool";
    public const string ExecuteDesktopsAction = "executeDesktopsAction";
    public const string DeleteDesktops = "deleteDesktops";

    public const string CreateDesktops = "createDesktops";
    public const string RebuildDesktops = "rebuildDesktops";
    public const string OperateDesktops = "operateDesktops";
}
