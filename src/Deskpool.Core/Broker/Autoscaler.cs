using Deskpool.Core.Desktops;
using Deskpool.Core.Events;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Telemetry;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Broker;

/// <summary>What an on-access creation came to: a desktop is being made for the user, or why not.</summary>
public sealed record ScaleAnswer(Failure? Failure)
{
    public static readonly ScaleAnswer Created = new((Failure?)null);

    public bool IsCreated => Failure is null;
}

/// <summary>The scaling state of a pool and its recorded decisions, for the API.</summary>
public sealed record ScalingView(PoolScaling Scaling, int Total, List<ScalingDecision> Decisions);

/// <summary>
/// Keeps pools supplied with desktops. <c>AUTO_CREATED</c>: when idle desktops fall below the
/// threshold, create a batch, never beyond the maximum of auto-created desktops. <c>ACCESS_CREATED</c>:
/// a connect that finds no idle desktop creates one for that user. Desktops still being created
/// count as idle and toward the maximum, so no evaluation overshoots; every creating decision bumps
/// the pool's scaling version in the same transaction, so two scalers cannot both create on the
/// same counts. Creations that fail are cleaned up and retried with back-off; a failure streak
/// marks the pool degraded and stops creation until an administrator resumes it.
/// </summary>
public sealed partial class Autoscaler(
    DeskpoolDbContext db,
    Catalog.Catalog catalog,
    TimeProvider time,
    WorkSignal work,
    Bindings bindings,
    IOptions<BrokerOptions> options,
    DeskpoolTelemetry telemetry,
    ILogger<Autoscaler> logger)
{
    private const int MaxAttempts = 5;
    private readonly BrokerOptions _options = options.Value;

    /// <summary>Looks at one pool and creates what its pre-create policy asks for. Returns how many desktops it created.</summary>
    public async Task<int> EvaluateAsync(string poolId, string trigger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var created = await EvaluateOnceAsync(poolId, trigger, cancellationToken);
                await transaction.CommitAsync(cancellationToken);

                // Only now can the job workers see the new desktops' jobs.
                if (created > 0)
                {
                    work.Notify();
                }

                telemetry.ScalerDecided(trigger, created > 0);
                return created;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                // Another scaler (or a purchase) wrote first; decide again on fresh counts.
                Log.EvaluationCollided(logger, ex, poolId, attempt);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The periodic catch-up: cleans up failed creations, then evaluates every pool that scales.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await CleanUpFailuresAsync(cancellationToken);
        var poolIds = await db.Pools.AsNoTracking()
            .Where(p => p.EnableAutoscale && p.AutoscalePolicy != null)
            .Select(p => p.Id)
            .ToListAsync(cancellationToken);
        var created = 0;
        foreach (var poolId in poolIds)
        {
            created += await EvaluateAsync(poolId, "periodic", cancellationToken);
        }

        return created;
    }

    /// <summary>
    /// Creates a desktop for a user who found no idle one in an <c>ACCESS_CREATED</c> pool, and binds
    /// it to them at once: they get it as soon as it is ready.
    /// </summary>
    public async Task<ScaleAnswer> CreateOnAccessAsync(Pool pool, EndUser user, CancellationToken cancellationToken)
    {
        if (!pool.EnableAutoscale || pool.AutoscalePolicy is not { AutoscaleType: AutoscaleTypes.AccessCreated } policy)
        {
            return new ScaleAnswer(await NoneIdleFailureAsync(pool, cancellationToken));
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await LockProjectAsync(pool.ProjectId, cancellationToken);
                var answer = await CreateForUserAsync(pool, policy, user, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                if (answer.IsCreated)
                {
                    work.Notify();
                }

                return answer;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                Log.EvaluationCollided(logger, ex, pool.Id, attempt);
                db.ChangeTracker.Clear();
                if (await db.Bindings.AnyAsync(b => b.PoolId == pool.Id && b.UserId == user.UserId, cancellationToken))
                {
                    // The same user's other connect created theirs first.
                    return ScaleAnswer.Created;
                }
            }
        }
    }

    /// <summary>Clears a pool's degradation and back-off, so that scaling resumes.</summary>
    public async Task<Failure?> ResumeAsync(string projectId, string poolId, CancellationToken cancellationToken)
    {
        if (!await db.Pools.AnyAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken))
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var scaling = await ScalingOfAsync(poolId, projectId, cancellationToken);
        scaling.ConsecutiveFailures = 0;
        scaling.PausedUntil = null;
        scaling.DegradedReason = null;
        scaling.DegradedAt = null;
        scaling.LastReason = null;
        scaling.Version++;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<Outcome<ScalingView>> DecisionsAsync(
        string projectId, string poolId, int offset, int limit, CancellationToken cancellationToken)
    {
        if (!await db.Pools.AnyAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken))
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var scaling = await db.PoolScalings.AsNoTracking().FirstOrDefaultAsync(s => s.PoolId == poolId, cancellationToken)
            ?? new PoolScaling { PoolId = poolId, ProjectId = projectId };
        var decisions = db.ScalingDecisions.AsNoTracking().Where(d => d.PoolId == poolId);
        var total = await decisions.CountAsync(cancellationToken);
        var page = await decisions.OrderByDescending(d => d.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return new ScalingView(scaling, total, page);
    }

    /// <summary>
    /// Failed creations of the scaler's own (on-demand) desktops: delete them (with any binding made
    /// for them), count the failure, back off, and mark the pool degraded when failures repeat.
    /// </summary>
    public async Task<int> CleanUpFailuresAsync(CancellationToken cancellationToken)
    {
        var failed = await db.Desktops
            .Where(d => d.OnDemand && d.State == DesktopState.Error)
            .OrderBy(d => d.StateChangedAt)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var pool in failed.GroupBy(d => d.PoolId))
        {
            var desktops = pool.ToList();
            var ids = desktops.Select(d => d.Id).ToList();
            var scaling = await ScalingOfAsync(pool.Key, desktops[0].ProjectId, cancellationToken);
            var now = time.GetUtcNow();
            var cause = desktops[0].FailReason ?? "the desktop failed to come up";
            scaling.ConsecutiveFailures += desktops.Count;
            scaling.LastFailureAt = now;
            scaling.PausedUntil = now + Backoff(scaling.ConsecutiveFailures);
            if (scaling.ConsecutiveFailures >= _options.DegradeAfterFailures && scaling.DegradedReason is null)
            {
                scaling.DegradedReason = $"{scaling.ConsecutiveFailures} desktop creations failed in a row; last cause: {cause}";
                scaling.DegradedAt = now;
                Log.PoolDegraded(logger, pool.Key, scaling.DegradedReason);
            }

            scaling.Version++;
            var job = Job.New(desktops[0].ProjectId, JobTypes.DeleteDesktops, pool.Key, desktops.Count, now);
            foreach (var desktop in desktops)
            {
                desktop.MoveTo(DesktopState.Deleting, now, "clean-up after a failed creation");
                job.SubJobs.Add(DesktopActions.NewSubJob(job, desktop, DesktopOperation.Delete, JobTypes.DeleteDesktops, null, now));
            }

            db.Jobs.Add(job);
            db.ScalingDecisions.Add(new ScalingDecision
            {
                ProjectId = desktops[0].ProjectId,
                PoolId = pool.Key,
                At = now,
                Trigger = "failure",
                AutoscaleType = "-",
                Reason = scaling.DegradedReason is not null
                    ? $"pool degraded, creation stopped until resumed: {scaling.DegradedReason}"
                    : $"{desktops.Count} creation(s) failed ({cause}); cleaning up, next try after {scaling.PausedUntil:u}",
                JobId = job.Id,
            });
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Bindings.Where(b => ids.Contains(b.DesktopId)).ExecuteDeleteAsync(cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node cleaned these up at the same time; its record stands.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }

        if (failed.Count > 0)
        {
            work.Notify();
        }

        return failed.Count;
    }

    private async Task<int> EvaluateOnceAsync(string poolId, string trigger, CancellationToken cancellationToken)
    {
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == poolId, cancellationToken);
        if (pool is null || !pool.EnableAutoscale
            || pool.AutoscalePolicy is not { AutoscaleType: AutoscaleTypes.AutoCreated } policy)
        {
            return 0;
        }

        await LockProjectAsync(pool.ProjectId, cancellationToken);
        var scaling = await ScalingOfAsync(pool.Id, pool.ProjectId, cancellationToken);
        var counts = await CountAsync(pool, cancellationToken);
        var now = time.GetUtcNow();
        var threshold = policy.MinIdle ?? 0;
        var maximum = policy.MaxAutoCreated ?? 0;
        var batch = policy.OnceAutoCreated ?? 1;
        var quotaRemaining = await QuotaRemainingAsync(pool, cancellationToken);

        string reason;
        var create = 0;
        if (scaling.DegradedReason is not null)
        {
            reason = $"pool degraded, creation stopped until resumed: {scaling.DegradedReason}";
        }
        else if (pool.InMaintenanceMode)
        {
            reason = "pool under maintenance";
        }
        else if (scaling.PausedUntil > now)
        {
            reason = $"backing off after failed creations until {scaling.PausedUntil:u}";
        }
        else if (counts.Idle >= threshold)
        {
            reason = $"{counts.Idle} idle (creating included) is not below the threshold of {threshold}";
        }
        else if (counts.AutoCreated >= maximum)
        {
            reason = $"maximum of {maximum} auto-created desktops reached ({counts.AutoCreated} exist)";
        }
        else if (quotaRemaining <= 0)
        {
            reason = "project quota exhausted";
        }
        else
        {
            create = Math.Min(Math.Min(batch, maximum - counts.AutoCreated), quotaRemaining);
            reason = $"{counts.Idle} idle is below the threshold of {threshold}: creating {create}" +
                (create < batch ? $" (batch of {batch} capped by the maximum or the quota)" : "");
        }

        string? jobId = null;
        if (create > 0)
        {
            var planned = await CreateDesktopsAsync(pool, create, now, cancellationToken);
            if (!planned.Succeeded)
            {
                create = 0;
                reason = $"could not plan desktops: {planned.Failure.Message}";
            }
            else
            {
                jobId = planned.Value.Id;
            }
        }

        if (create == 0 && scaling.LastReason == reason)
        {
            return 0;
        }

        scaling.LastReason = reason;
        scaling.Version++;
        db.ScalingDecisions.Add(new ScalingDecision
        {
            ProjectId = pool.ProjectId,
            PoolId = pool.Id,
            At = now,
            Trigger = trigger,
            AutoscaleType = policy.AutoscaleType,
            Idle = counts.Idle,
            Creating = counts.Creating,
            AutoCreated = counts.AutoCreated,
            Threshold = threshold,
            Batch = batch,
            Maximum = maximum,
            QuotaRemaining = quotaRemaining,
            Created = create,
            Reason = reason,
            JobId = jobId,
        });
        if (create > 0)
        {
            PoolEvents.Add(db, pool.ProjectId, pool.Id, null, PoolEventKinds.Scaled, now,
                detail: $"{trigger}: creating {create} desktop(s): {reason}", jobId: jobId);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (create > 0)
        {
            Log.Created(logger, create, pool.Name, reason);
        }

        return create;
    }

    private async Task<ScaleAnswer> CreateForUserAsync(
        Pool pool, AutoscalePolicy policy, EndUser user, CancellationToken cancellationToken)
    {
        var scaling = await ScalingOfAsync(pool.Id, pool.ProjectId, cancellationToken);
        var counts = await CountAsync(pool, cancellationToken);
        var now = time.GetUtcNow();
        var maximum = policy.MaxAutoCreated ?? 0;
        var quotaRemaining = await QuotaRemainingAsync(pool, cancellationToken);
        Failure? refusal = null;
        if (scaling.DegradedReason is not null)
        {
            refusal = Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"No desktop is free in pool {pool.Name} and new ones cannot be made: {scaling.DegradedReason}. " +
                "The administrator has been told (the pool is marked degraded).");
        }
        else if (scaling.PausedUntil > now)
        {
            refusal = Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"No desktop is free in pool {pool.Name}; creating one failed recently, the next try is after " +
                $"{scaling.PausedUntil:u}.", scaling.PausedUntil - now);
        }
        else if (counts.AutoCreated >= maximum)
        {
            refusal = Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Every desktop of pool {pool.Name} is in use and its maximum of {maximum} desktops created on access " +
                "is reached; try again later.", _options.PreparingRetryAfter);
        }
        else if (quotaRemaining <= 0)
        {
            refusal = Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Every desktop of pool {pool.Name} is in use and the project's quota allows no more; " +
                "ask the administrator.", _options.PreparingRetryAfter);
        }

        var reason = refusal?.Message ?? $"{user.UserName} found no idle desktop: creating one for them";
        ScalingDecision Decision(string? jobId) => new()
        {
            ProjectId = pool.ProjectId,
            PoolId = pool.Id,
            At = now,
            Trigger = "access",
            AutoscaleType = policy.AutoscaleType,
            Idle = counts.Idle,
            Creating = counts.Creating,
            AutoCreated = counts.AutoCreated,
            Maximum = maximum,
            QuotaRemaining = quotaRemaining,
            Created = refusal is null ? 1 : 0,
            Reason = reason,
            JobId = jobId,
        };
        if (refusal is not null)
        {
            if (scaling.LastReason != reason)
            {
                scaling.LastReason = reason;
                scaling.Version++;
                db.ScalingDecisions.Add(Decision(null));
                await db.SaveChangesAsync(cancellationToken);
            }

            telemetry.ScalerDecided("access", created: false);
            return new ScaleAnswer(refusal);
        }

        var planned = await CreateDesktopsAsync(pool, 1, now, cancellationToken);
        if (!planned.Succeeded)
        {
            return new ScaleAnswer(planned.Failure);
        }

        var desktop = planned.Value.SubJobs[0].DesktopId;
        var binding = Binding.New(pool, desktop, user.UserId, user.UserName, now);
        binding.ReleaseAt = binding.Permanent ? null : now + bindings.UnclaimedHold(pool);
        db.Bindings.Add(binding);
        scaling.LastReason = reason;
        scaling.Version++;
        db.ScalingDecisions.Add(Decision(planned.Value.Id));
        PoolEvents.Add(db, pool.ProjectId, pool.Id, desktop, PoolEventKinds.Scaled, now, user.UserName,
            $"access: {reason}", planned.Value.Id);
        PoolEvents.Add(db, pool.ProjectId, pool.Id, desktop, PoolEventKinds.Bound, now, user.UserName,
            "bound ahead of creation: the desktop is the user's once ready");
        await db.SaveChangesAsync(cancellationToken);
        telemetry.ScalerDecided("access", created: true);
        Log.Created(logger, 1, pool.Name, reason);
        return ScaleAnswer.Created;
    }

    private async Task<Outcome<Job>> CreateDesktopsAsync(Pool pool, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var planner = new DesktopPlanner(db, catalog);
        var planned = await planner.PlanAsync(pool, count, onDemand: true, now, cancellationToken);
        if (!planned.Succeeded)
        {
            return planned.Failure;
        }

        db.Desktops.AddRange(planned.Value);
        var job = Job.New(pool.ProjectId, JobTypes.CreateDesktops, pool.Id, count, now);
        job.SubJobs.AddRange(DesktopPlanner.SubJobsFor(job, planned.Value, now));
        db.Jobs.Add(job);
        return job;
    }

    /// <summary>Idle (unbound, running or on the way: creating counts), creating, and auto-created desktops of a pool.</summary>
    private async Task<(int Idle, int Creating, int AutoCreated)> CountAsync(Pool pool, CancellationToken cancellationToken)
    {
        var counts = await db.Desktops.AsNoTracking()
            .Where(d => d.PoolId == pool.Id && d.State != DesktopState.Deleted)
            .GroupBy(d => 1)
            .Select(g => new
            {
                Idle = g.Count(d => (d.State == DesktopState.Running || d.State == DesktopState.Creating
                        || d.State == DesktopState.Resetting)
                    && !db.Bindings.Any(b => b.DesktopId == d.Id)),
                Creating = g.Count(d => d.State == DesktopState.Creating),
                AutoCreated = g.Count(d => d.OnDemand),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return counts is null ? (0, 0, 0) : (counts.Idle, counts.Creating, counts.AutoCreated);
    }

    private async Task<int> QuotaRemainingAsync(Pool pool, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == pool.ProjectId, cancellationToken);
        var used = await Quotas.UsageAsync(db, catalog, pool.ProjectId, cancellationToken);
        return Quotas.Remaining(project, used, catalog.Product(pool.ProductId));
    }

    private async Task<Failure> NoneIdleFailureAsync(Pool pool, CancellationToken cancellationToken)
    {
        var preparing = await db.Desktops.AnyAsync(
            d => d.PoolId == pool.Id && (d.State == DesktopState.Creating || d.State == DesktopState.Resetting)
                && !db.Bindings.Any(b => b.DesktopId == d.Id), cancellationToken);
        return preparing
            ? Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Every ready desktop of pool {pool.Name} is in use; more are being prepared, try again shortly.",
                _options.PreparingRetryAfter)
            : Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Every desktop of pool {pool.Name} is in use; try again later or ask the administrator to expand it.",
                _options.PreparingRetryAfter);
    }

    /// <summary>
    /// The pool's scaling row (created on first use). A failure streak ends once a desktop the
    /// scaler made after the last failure came up.
    /// </summary>
    private async Task<PoolScaling> ScalingOfAsync(string poolId, string projectId, CancellationToken cancellationToken)
    {
        var scaling = await db.PoolScalings.FirstOrDefaultAsync(s => s.PoolId == poolId, cancellationToken);
        if (scaling is null)
        {
            scaling = new PoolScaling { PoolId = poolId, ProjectId = projectId };
            db.PoolScalings.Add(scaling);
            return scaling;
        }

        if (scaling is { ConsecutiveFailures: > 0, DegradedReason: null, LastFailureAt: { } lastFailure }
            && await db.Desktops.AnyAsync(d => d.PoolId == poolId && d.OnDemand && d.State == DesktopState.Running
                && d.CreatedAt > lastFailure, cancellationToken))
        {
            scaling.ConsecutiveFailures = 0;
            scaling.PausedUntil = null;
            scaling.Version++;
        }

        return scaling;
    }

    /// <summary>
    /// Takes the project's row lock (as purchases do) for the rest of the transaction, so that
    /// desktops made by scalers and purchases of one project are counted against its quota in turn.
    /// </summary>
    private Task LockProjectAsync(string projectId, CancellationToken cancellationToken) =>
        db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(
            set => set.SetProperty(p => p.DesktopQuota, p => p.DesktopQuota), cancellationToken);

    private TimeSpan Backoff(int failures) => _options.ScaleBackoff * Math.Pow(2, Math.Min(failures - 1, 8));

    private static partial class Log
    {
        [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Autoscaler creates {Count} desktop(s) in pool {Pool}: {Reason}")]
        public static partial void Created(ILogger logger, int count, string pool, string reason);

        [LoggerMessage(EventId = 4102, Level = LogLevel.Debug,
            Message = "Scaling pool {PoolId} collided with another writer (attempt {Attempt}); deciding again")]
        public static partial void EvaluationCollided(ILogger logger, Exception exception, string poolId, int attempt);

        [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Pool {PoolId} is degraded; autoscaling stopped: {Reason}")]
        public static partial void PoolDegraded(ILogger logger, string poolId, string reason);
    }
}
