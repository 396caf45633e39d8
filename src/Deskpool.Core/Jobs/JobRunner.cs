using System.Diagnostics;
using System.Threading.Channels;
using Deskpool.Core.Compute;
using Deskpool.Core.Desktops;
using Deskpool.Core.Events;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Telemetry;
using Deskpool.Core.Users;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Jobs;

/// <summary>
/// Drives sub-jobs through the compute drivers. One call of <see cref="RunOnceAsync"/> is one
/// bounded round: claim a batch through the database, run it, write each result together with
/// the desktop's new state, then settle the jobs that have nothing left to do. Claims are
/// leases, so work held by a node that died is taken over when its lease runs out, and the
/// drivers' idempotency makes the retried step safe.
/// </summary>
public sealed partial class JobRunner(
    IServiceScopeFactory scopes,
    ComputeDrivers drivers,
    Catalog.Catalog catalog,
    TimeProvider time,
    NodeIdentity node,
    IOptions<JobRunnerOptions> options,
    DeskpoolTelemetry telemetry,
    ILogger<JobRunner> logger)
{
    private readonly JobRunnerOptions _options = options.Value;

    /// <summary>Releases leases this node held before it restarted, so its own unfinished work resumes at once.</summary>
    public async Task RecoverOwnLeasesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var released = await db.SubJobs
            .Where(s => s.LeaseOwner == node.Id && s.Status == SubJobStatus.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        if (released > 0)
        {
            Log.ResumedOwnWork(logger, released, node.Id);
        }
    }

    /// <summary>Runs one round and returns how many sub-jobs it worked on.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claim = await ClaimAsync(cancellationToken);
        if (claim.SubJobs.Count > 0)
        {
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewing = RenewLeaseAsync(claim.Token, renewal.Token);
            try
            {
                await RunClaimAsync(claim, cancellationToken);
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
            }
        }

        await SettleJobsAsync(cancellationToken);
        return claim.SubJobs.Count;
    }

    private async Task<Claim> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var now = time.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");

        var candidates = await db.SubJobs
            .Where(s => (s.Status == SubJobStatus.Waiting || s.Status == SubJobStatus.Running)
                && (s.LeaseUntil == null || s.LeaseUntil < now))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)
            .Select(s => s.Id)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return new Claim(token, now, [], new Dictionary<string, Desktop>(), new Dictionary<string, Pool>(),
                new Dictionary<string, string?>());
        }

        // The lease condition is checked again inside the UPDATE, so of two nodes racing for a
        // row only one changes it (SQLite lets one writer in at a time; on PostgreSQL the second
        // waits for the first to commit, then finds the lease taken); each then reads back just
        // the rows carrying its own token.
        var leaseUntil = now + _options.LeaseDuration;
        await db.SubJobs
            .Where(s => candidates.Contains(s.Id)
                && (s.Status == SubJobStatus.Waiting || s.Status == SubJobStatus.Running)
                && (s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Status, SubJobStatus.Running)
                .SetProperty(s => s.LeaseOwner, node.Id)
                .SetProperty(s => s.LeaseUntil, leaseUntil)
                .SetProperty(s => s.ClaimToken, token)
                .SetProperty(s => s.Attempts, s => s.Attempts + 1), cancellationToken);

        var claimed = await db.SubJobs.AsNoTracking().Where(s => s.ClaimToken == token).ToListAsync(cancellationToken);
        var jobIds = claimed.Select(s => s.JobId).Distinct().ToList();
        var traceParents = await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id))
            .ToDictionaryAsync(j => j.Id, j => j.TraceParent, cancellationToken);
        await db.Jobs
            .Where(j => jobIds.Contains(j.Id) && j.Status == JobStatus.Waiting)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.BeginAt, now), cancellationToken);

        // What the drivers need to know of each desktop is read once for the whole claim; the
        // desktops are read again, fresh, when their new states are written.
        var desktopIds = claimed.Select(s => s.DesktopId).ToList();
        var desktops = await db.Desktops.AsNoTracking().Where(d => desktopIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        var poolIds = desktops.Values.Select(d => d.PoolId).Distinct().ToList();
        var pools = await db.Pools.IgnoreQueryFilters().AsNoTracking().Where(p => poolIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        return new Claim(token, now, claimed, desktops, pools, traceParents);
    }

    /// <summary>
    /// Runs the claimed steps in parallel and hands their outcomes to a single writer. Each save
    /// takes every outcome that arrived while the previous save ran, so a round of fast steps
    /// costs a few transactions instead of one per desktop, and a lone outcome is saved at once.
    /// One writer also keeps this node's saves from queueing on SQLite's single write lock.
    /// </summary>
    private async Task RunClaimAsync(Claim claim, CancellationToken cancellationToken)
    {
        var outcomes = Channel.CreateUnbounded<StepOutcome>(new UnboundedChannelOptions { SingleReader = true });
        var writing = WriteOutcomesAsync(outcomes, claim, cancellationToken);
        try
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = _options.MaxParallelism,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(claim.SubJobs, parallel, async (subJob, ct) =>
                await outcomes.Writer.WriteAsync(await RunStepAsync(subJob, claim, ct), ct));
        }
        finally
        {
            // The writer ends once it has saved what is queued (at once if the round is cancelled).
            outcomes.Writer.TryComplete();
            await writing;
        }
    }

    /// <summary>Runs one step through its driver. Nothing is written here: the outcome goes to the writer.</summary>
    private async Task<StepOutcome> RunStepAsync(SubJob claimed, Claim claim, CancellationToken cancellationToken)
    {
        // The step's activity starts a trace of its own, linked to the request that created the job.
        ActivityLink[]? links = claim.TraceParents.GetValueOrDefault(claimed.JobId) is { } parent
            && ActivityContext.TryParse(parent, null, out var context) ? [new ActivityLink(context)] : null;
        using var activity = DeskpoolTelemetry.Activities.StartActivity(
            $"job step {claimed.Operation}", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("deskpool.job_id", claimed.JobId);
        activity?.SetTag("deskpool.desktop_id", claimed.DesktopId);
        var started = time.GetTimestamp();
        var outcome = await RunStepCoreAsync(claimed, claim, cancellationToken);
        var result = outcome.RetryLater ? "retry" : outcome.ErrorCode is null ? "success" : "failed";
        activity?.SetTag("deskpool.outcome", result);
        var operation = claimed.Operation.ToString().ToLowerInvariant();
        telemetry.StepEnded(operation, result, time.GetElapsedTime(started));
        if (outcome.ErrorCode is { } code)
        {
            activity?.SetStatus(ActivityStatusCode.Error, code);
            telemetry.StepFailed(operation, code);
        }

        return outcome;
    }

    private async Task<StepOutcome> RunStepCoreAsync(SubJob claimed, Claim claim, CancellationToken cancellationToken)
    {
        var desktop = claim.Desktops[claimed.DesktopId];
        if (claimed.Attempts > _options.MaxAttempts)
        {
            return new StepOutcome(claimed, ErrorCodes.RetriesExhausted,
                $"Gave up after {_options.MaxAttempts} attempts that ended in unexpected errors.", RetryLater: false);
        }

        using var readiness = NeedsReadiness(claimed.Operation)
            ? new CancellationTokenSource(_options.ReadinessTimeout, time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, readiness.Token);
        try
        {
            await ExecuteAsync(claimed, desktop, claim.Pools[desktop.PoolId], linked.Token);
            return new StepOutcome(claimed, null, null, RetryLater: false);
        }
        catch (ComputeDriverException ex)
        {
            return new StepOutcome(claimed, ex.Code, ex.Message, RetryLater: false);
        }
        catch (OperationCanceledException) when (readiness.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new StepOutcome(claimed, ComputeDriverException.NotReadyInTime,
                $"Desktop {desktop.ComputerName} did not become ready within {_options.ReadinessTimeout.TotalMinutes:0.#} " +
                "minute(s) (readiness timeout).", RetryLater: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StepFailedUnexpectedly(logger, ex, claimed.Operation, desktop.ComputerName, claimed.Attempts);
            return new StepOutcome(claimed, null, null, RetryLater: true);
        }
    }

    private async Task WriteOutcomesAsync(
        Channel<StepOutcome> outcomes, Claim claim, CancellationToken cancellationToken)
    {
        try
        {
            var group = new List<StepOutcome>();
            while (await outcomes.Reader.WaitToReadAsync(cancellationToken))
            {
                group.Clear();
                while (outcomes.Reader.TryRead(out var outcome))
                {
                    group.Add(outcome);
                }

                await SaveGroupAsync(group, claim, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Closing the channel stops the steps not yet started: their outcomes could not be saved.
            outcomes.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>
    /// Saves a group of outcomes in one transaction. Should the group fail (a lease lost in the
    /// meantime, a desktop that refuses its move), each outcome is saved on its own instead, so
    /// that one cannot hold back the others and each fails exactly as it would alone.
    /// </summary>
    private async Task SaveGroupAsync(List<StepOutcome> group, Claim claim, CancellationToken cancellationToken)
    {
        if (group.Count > 1)
        {
            try
            {
                await SaveAsync(group, claim, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
            {
                Log.GroupSaveFailed(logger, ex, group.Count);
            }
        }

        foreach (var outcome in group)
        {
            try
            {
                await SaveAsync([outcome], claim, cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                Log.LostLease(logger, outcome.SubJob.Id, outcome.SubJob.DesktopName);
            }
        }
    }

    /// <summary>Writes each sub-job's result together with its desktop's new state, all in one transaction.</summary>
    private async Task SaveAsync(IReadOnlyList<StepOutcome> outcomes, Claim claim, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var ids = outcomes.Select(o => o.SubJob.Id).ToList();
        var subJobs = await db.SubJobs.Where(s => ids.Contains(s.Id) && s.ClaimToken == claim.Token)
            .ToDictionaryAsync(s => s.Id, cancellationToken);
        var desktopIds = outcomes.Where(o => !o.RetryLater && subJobs.ContainsKey(o.SubJob.Id))
            .Select(o => o.SubJob.DesktopId).ToList();
        var desktops = await db.Desktops.Where(d => desktopIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);

        var now = time.GetUtcNow();
        foreach (var outcome in outcomes)
        {
            if (!subJobs.TryGetValue(outcome.SubJob.Id, out var subJob))
            {
                // Our lease ran out and another node took the step over; its result stands.
                continue;
            }

            if (outcome.RetryLater)
            {
                subJob.LeaseUntil = now + Backoff(outcome.SubJob.Attempts);
                subJob.ClaimToken = null;
            }
            else
            {
                subJob.BeginAt ??= claim.At;
                var desktop = desktops[subJob.DesktopId];
                Record(subJob, desktop, subJob.Operation, outcome.ErrorCode, outcome.FailReason, now);
                PoolEvents.Add(db, desktop, EventKind(subJob.Operation, failed: outcome.ErrorCode is not null), now,
                    detail: subJob.FailReason, jobId: subJob.JobId);
            }
        }

        // The claim token is a concurrency token: if another node took a step over between the
        // read above and this save, the save fails and changes nothing.
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Record(
        SubJob subJob, Desktop desktop, DesktopOperation operation, string? errorCode, string? failReason, DateTimeOffset now)
    {
        subJob.BeginAt ??= now;
        subJob.EndAt = now;
        subJob.LeaseUntil = null;
        if (errorCode is null)
        {
            subJob.Status = SubJobStatus.Success;
            subJob.Progress = 100;
            desktop.MoveTo(SucceededState(operation), now, operation.ToString().ToLowerInvariant());
        }
        else
        {
            subJob.Status = SubJobStatus.Failed;
            subJob.ErrorCode = errorCode;
            subJob.FailReason = Truncate(failReason!, 1000);
            desktop.ErrorCode = errorCode;
            desktop.FailReason = subJob.FailReason;
            desktop.MoveTo(DesktopState.Error, now, subJob.FailReason);
        }
    }

    private async Task ExecuteAsync(SubJob subJob, Desktop desktop, Pool pool, CancellationToken cancellationToken)
    {
        var driver = drivers.ForZone(desktop.AvailabilityZone);
        using var activity = DeskpoolTelemetry.Activities.StartActivity($"driver {subJob.Operation}", ActivityKind.Client);
        activity?.SetTag("deskpool.driver", driver.Name);
        activity?.SetTag("deskpool.zone", desktop.AvailabilityZone);
        var hard = subJob.Argument == "HARD";
        switch (subJob.Operation)
        {
            case DesktopOperation.Create:
                await driver.CreateAsync(SpecFor(desktop, pool), cancellationToken);
                break;
            case DesktopOperation.Start:
                await driver.StartAsync(Ref(desktop), cancellationToken);
                break;
            case DesktopOperation.Stop:
                await driver.StopAsync(Ref(desktop), hard, cancellationToken);
                break;
            case DesktopOperation.Reboot:
                await driver.RebootAsync(Ref(desktop), hard, cancellationToken);
                break;
            case DesktopOperation.Hibernate:
                await driver.HibernateAsync(Ref(desktop), cancellationToken);
                break;
            case DesktopOperation.Delete:
                await driver.DeleteAsync(Ref(desktop), cancellationToken);
                break;
            case DesktopOperation.Reset:
                await driver.ResetAsync(SpecFor(desktop, pool), cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Unknown operation {subJob.Operation}.");
        }
    }

    private static MachineRef Ref(Desktop desktop) => new(desktop.Id, desktop.ComputerName, desktop.AvailabilityZone);

    private MachineSpec SpecFor(Desktop desktop, Pool pool)
    {
        var product = catalog.Product(pool.ProductId) ?? throw new ComputeDriverException(
            ComputeDriverException.OperationFailed, $"Package {pool.ProductId} is no longer in the catalogue.");
        return new MachineSpec(
            desktop.Id,
            desktop.ComputerName,
            desktop.AvailabilityZone,
            product.ProductId,
            product.Cpu,
            product.MemoryMb,
            pool.ImageId,
            new DiskSpec(pool.RootVolume.Type, pool.RootVolume.Size),
            pool.DataVolumes.Select(v => new DiskSpec(v.Type, v.Size)).ToList(),
            desktop.SubnetId,
            desktop.IpAddress!,
            desktop.MacAddress);
    }

    /// <summary>Ends every open job that has no open sub-job left, and updates its pool.</summary>
    private async Task SettleJobsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var settled = await db.Jobs
            .Where(j => (j.Status == JobStatus.Waiting || j.Status == JobStatus.Running)
                && !db.SubJobs.Any(s => s.JobId == j.Id
                    && (s.Status == SubJobStatus.Waiting || s.Status == SubJobStatus.Running)))
            .Include(j => j.SubJobs)
            .ToListAsync(cancellationToken);
        foreach (var job in settled)
        {
            var now = time.GetUtcNow();
            JobOutcome.Settle(job, now);
            if (job.PoolId is not null)
            {
                var pool = await db.Pools.IgnoreQueryFilters().FirstAsync(p => p.Id == job.PoolId, cancellationToken);
                var othersOpen = await db.Jobs.AnyAsync(
                    j => j.PoolId == job.PoolId && j.Id != job.Id
                        && (j.Status == JobStatus.Waiting || j.Status == JobStatus.Running), cancellationToken);
                JobOutcome.ApplyToPool(pool, job, othersOpen);
                if (job.SucceededCount > 0 && job.JobType is JobTypes.CreateDesktopPool or JobTypes.ExpandDesktopPool)
                {
                    // Desktops became available: tell the pool's users (once each; the outbox deduplicates).
                    await scope.ServiceProvider.GetRequiredService<LoginDetails>().ForPoolAsync(pool, null, cancellationToken);
                }
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.JobEnded(logger, job.Id, job.JobType, job.Status, job.SucceededCount, job.FailedCount);
            }
            catch (DbUpdateException)
            {
                // Another node settled the same job, changed the pool or queued the same login mail at
                // the same time (a concurrency check or a unique index refused the save, which changed
                // nothing); the next round reads again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task RenewLeaseAsync(string token, CancellationToken cancellationToken)
    {
        var period = _options.LeaseDuration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(period, time, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
                var until = time.GetUtcNow() + _options.LeaseDuration;
                await db.SubJobs
                    .Where(s => s.ClaimToken == token && s.Status == SubJobStatus.Running)
                    .ExecuteUpdateAsync(set => set.SetProperty(s => s.LeaseUntil, until), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The round is over.
        }
    }

    private static DesktopState SucceededState(DesktopOperation operation) => operation switch
    {
        DesktopOperation.Create or DesktopOperation.Start or DesktopOperation.Reboot or DesktopOperation.Reset
            => DesktopState.Running,
        DesktopOperation.Stop => DesktopState.Stopped,
        DesktopOperation.Hibernate => DesktopState.Hibernated,
        DesktopOperation.Delete => DesktopState.Deleted,
        _ => throw new InvalidOperationException($"Unknown operation {operation}."),
    };

    private static string EventKind(DesktopOperation operation, bool failed) => (operation, failed) switch
    {
        (DesktopOperation.Reset, true) => PoolEventKinds.ResetFailed,
        (_, true) => PoolEventKinds.Failed,
        (DesktopOperation.Create, _) => PoolEventKinds.Created,
        (DesktopOperation.Start, _) => PoolEventKinds.Started,
        (DesktopOperation.Stop, _) => PoolEventKinds.Stopped,
        (DesktopOperation.Reboot, _) => PoolEventKinds.Rebooted,
        (DesktopOperation.Hibernate, _) => PoolEventKinds.Hibernated,
        (DesktopOperation.Delete, _) => PoolEventKinds.Deleted,
        _ => PoolEventKinds.Reset,
    };

    private static bool NeedsReadiness(DesktopOperation operation) =>
        operation is DesktopOperation.Create or DesktopOperation.Reset;

    private static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempts)));

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private sealed record Claim(
        string Token,
        DateTimeOffset At,
        List<SubJob> SubJobs,
        IReadOnlyDictionary<string, Desktop> Desktops,
        IReadOnlyDictionary<string, Pool> Pools,
        IReadOnlyDictionary<string, string?> TraceParents);

    /// <summary>How a step went: done (no error code), failed for good (error code), or to retry later.</summary>
    private sealed record StepOutcome(SubJob SubJob, string? ErrorCode, string? FailReason, bool RetryLater);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
            Message = "Sub-job {SubJobId} ({ComputerName}) was taken over by another node; dropping this node's result")]
        public static partial void LostLease(ILogger logger, string subJobId, string computerName);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
            Message = "Resumed {Count} sub-job(s) this node ({Node}) held before it restarted")]
        public static partial void ResumedOwnWork(ILogger logger, int count, string node);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
            Message = "{Operation} of desktop {ComputerName} failed unexpectedly (attempt {Attempt}); it will be retried")]
        public static partial void StepFailedUnexpectedly(
            ILogger logger, Exception exception, DesktopOperation operation, string computerName, int attempt);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Debug,
            Message = "Saving {Count} step outcomes together failed; saving them one by one")]
        public static partial void GroupSaveFailed(ILogger logger, Exception exception, int count);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
            Message = "Job {JobId} ({JobType}) ended {Status}: {Succeeded} succeeded, {Failed} failed")]
        public static partial void JobEnded(
            ILogger logger, string jobId, string jobType, JobStatus status, int succeeded, int failed);
    }
}
