using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;

namespace Deskpool.Core.Broker;

/// <summary>The jobs the broker starts on its own: rebuilding a released desktop, powering on a user's stopped desktop.</summary>
internal static class BrokerJobs
{
    /// <summary>States a desktop can be rebuilt from; any other state must settle first.</summary>
    public static bool CanReset(Desktop desktop) =>
        desktop.State is DesktopState.Running or DesktopState.Stopped or DesktopState.Hibernated or DesktopState.Error;

    public static Job Reset(Desktop desktop, string reason, DateTimeOffset now)
    {
        var job = NewJob(desktop, JobTypes.RebuildDesktops, now);
        desktop.MoveTo(DesktopState.Resetting, now, reason);
        job.SubJobs.Add(DesktopActions.NewSubJob(job, desktop, DesktopOperation.Reset, JobTypes.RebuildDesktops, null, now));
        return job;
    }

    public static Job Start(Desktop desktop, DateTimeOffset now)
    {
        var job = NewJob(desktop, JobTypes.OperateDesktops, now);
        job.SubJobs.Add(DesktopActions.Plan(job, desktop, DesktopActions.Start, "SOFT", now));
        return job;
    }

    private static Job NewJob(Desktop desktop, string jobType, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        ProjectId = desktop.ProjectId,
        JobType = jobType,
        PoolId = desktop.PoolId,
        Status = JobStatus.Waiting,
        CreatedAt = now,
        SubJobsTotal = 1,
    };
}
