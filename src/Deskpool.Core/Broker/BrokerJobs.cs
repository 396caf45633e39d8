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
        var job = Job.New(desktop.ProjectId, JobTypes.RebuildDesktops, desktop.PoolId, 1, now);
        desktop.MoveTo(DesktopState.Resetting, now, reason);
        job.SubJobs.Add(DesktopActions.NewSubJob(job, desktop, DesktopOperation.Reset, JobTypes.RebuildDesktops, null, now));
        return job;
    }

    public static Job Start(Desktop desktop, DateTimeOffset now)
    {
        var job = Job.New(desktop.ProjectId, JobTypes.OperateDesktops, desktop.PoolId, 1, now);
        job.SubJobs.Add(DesktopActions.Plan(job, desktop, DesktopActions.Start, "SOFT", now));
        return job;
    }
}
