using System.Text;
using Deskpool.Core.Pools;

namespace Deskpool.Core.Jobs;

/// <summary>How a job ends once its sub-jobs have, and what that means for its pool.</summary>
public static class JobOutcome
{
    private const int MaxCausesInSummary = 5;

    /// <summary>
    /// Marks the job terminal. Any failed sub-job makes it FAIL, never SUCCESS; the reason counts
    /// the failures and quotes the first causes, and every sub-job keeps its own.
    /// </summary>
    public static void Settle(Job job, DateTimeOffset now)
    {
        job.SucceededCount = job.SubJobs.Count(s => s.Status == SubJobStatus.Success);
        job.FailedCount = job.SubJobs.Count(s => s.Status == SubJobStatus.Failed);
        job.BeginAt ??= now;
        job.EndAt = now;
        if (job.FailedCount == 0)
        {
            job.Status = JobStatus.Success;
            job.ErrorCode = null;
            job.FailReason = null;
            return;
        }

        var failed = job.SubJobs.Where(s => s.Status == SubJobStatus.Failed).OrderBy(s => s.DesktopName).ToList();
        var reason = new StringBuilder($"{job.FailedCount} of {job.SubJobs.Count} desktop(s) failed: ");
        reason.AppendJoin("; ", failed.Take(MaxCausesInSummary).Select(s => $"{s.DesktopName}: {s.FailReason}"));
        if (failed.Count > MaxCausesInSummary)
        {
            reason.Append($"; and {failed.Count - MaxCausesInSummary} more (see sub-jobs)");
        }

        // Each cause may be long (a driver's message); the column is bounded on every database.
        if (reason.Length > Job.MaxFailReasonLength)
        {
            reason.Length = Job.MaxFailReasonLength - 1;
            reason.Append('…');
        }

        job.Status = JobStatus.Fail;
        job.ErrorCode = failed[0].ErrorCode;
        job.FailReason = reason.ToString();
    }

    /// <summary>The pool is TEMPORARY while any of its jobs runs; a creation where every desktop failed leaves it in ERROR.</summary>
    public static void ApplyToPool(Pool pool, Job job, bool otherJobsOpen)
    {
        if (otherJobsOpen)
        {
            pool.Status = PoolStatus.Temporary;
        }
        else if (job.JobType == JobTypes.CreateDesktopPool && job.SubJobsTotal > 0 && job.SucceededCount == 0)
        {
            pool.Status = PoolStatus.Error;
        }
        else
        {
            pool.Status = PoolStatus.Steady;
        }

        pool.FailReason = job.FailReason;
        pool.Version++;
    }
}
