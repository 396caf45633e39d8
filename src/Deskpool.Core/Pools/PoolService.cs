using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Naming;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Pools;

/// <summary>A pool with the counts the wire shows beside it.</summary>
public sealed record PoolView(Pool Pool, int DesktopCount, int DesktopUsed, int OnDemandCount, int ErrorCount);

/// <summary>The pool use cases: buy, list, show, change, grow, power actions and delete.</summary>
public sealed class PoolService(
    DeskpoolDbContext db,
    Catalog.Catalog catalog,
    TimeProvider time,
    WorkSignal signal,
    PoolAuthorizationService authorizations,
    AccessScope scope)
{
    private const int MaxSaveAttempts = 5;

    /// <summary>
    /// Buys a pool: validates everything, then writes the pool, its desktops, the job and one
    /// sub-job per desktop in one transaction. Workers pick the sub-jobs up from the database.
    /// </summary>
    public async Task<Outcome<Job>> CreateAsync(
        string projectId, CreatePoolRequest request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);
        if (project.ServiceAuthorizedAt is null)
        {
            return ServiceNotAuthorized(projectId);
        }

        var placed = scope.Place(request.EnterpriseProjectId, "enterprise_project_id");
        if (!placed.Succeeded)
        {
            return placed.Failure;
        }

        var checkedRequest = PoolRules.Check(request with { EnterpriseProjectId = placed.Value }, catalog);
        if (!checkedRequest.Succeeded)
        {
            return checkedRequest.Failure;
        }

        var spec = checkedRequest.Value;
        return await SaveWithRetryAsync(projectId, async () =>
        {
            if (await LivePools.AnyAsync(p => p.ProjectId == projectId && p.Name == spec.Name, cancellationToken))
            {
                return Failure.Conflict(ErrorCodes.NameTaken, $"name '{spec.Name}' is already used by another pool.", "name");
            }

            if (spec.NamingPolicyId is not null
                && await NamingPolicyService.CheckUsableForPoolAsync(db, projectId, spec.NamingPolicyId, cancellationToken)
                    is { } namingFailure)
            {
                return namingFailure;
            }

            if (await Quotas.CheckAsync(db, catalog, project, spec.Product, spec.Size, "size", cancellationToken)
                is { } quotaFailure)
            {
                return quotaFailure;
            }

            var now = time.GetUtcNow();
            var pool = NewPool(projectId, spec, now);
            db.Pools.Add(pool);
            if (request.AuthorizedObjects is { Count: > 0 } objects
                && await authorizations.StageAsync(pool, "ADD", objects, "authorized_objects", cancellationToken)
                    is { } authorizationFailure)
            {
                db.ChangeTracker.Clear();
                return authorizationFailure;
            }

            return await AddDesktopsAsync(pool, spec.Size, JobTypes.CreateDesktopPool, now, cancellationToken);
        }, cancellationToken);
    }

    public async Task<Outcome<Job>> ExpandAsync(
        string projectId, string poolId, ExpandPoolRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("size", request.Size))
        {
            rules.Range("size", request.Size, 1, PoolRules.MaxSizePerRequest);
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);
        if (project.ServiceAuthorizedAt is null)
        {
            return ServiceNotAuthorized(projectId);
        }

        return await SaveWithRetryAsync(projectId, async () =>
        {
            var pool = await FindAsync(projectId, poolId, cancellationToken);
            if (pool is null)
            {
                return PoolNotFound(poolId);
            }

            if (await Quotas.CheckAsync(db, catalog, project, catalog.Product(pool.ProductId), request.Size!.Value, "size",
                    cancellationToken) is { } quotaFailure)
            {
                return quotaFailure;
            }

            return await AddDesktopsAsync(pool, request.Size!.Value, JobTypes.ExpandDesktopPool, time.GetUtcNow(),
                cancellationToken);
        }, cancellationToken);
    }

    public async Task<Outcome<PoolView>> GetAsync(string projectId, string poolId, CancellationToken cancellationToken)
    {
        var pool = await db.Pools.AsNoTracking()
            .FirstOrDefaultAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken);
        if (pool is null)
        {
            return PoolNotFound(poolId);
        }

        return (await ViewsAsync([pool], cancellationToken))[0];
    }

    public async Task<Outcome<(int Total, List<PoolView> Items)>> ListAsync(
        string projectId, PoolListQuery query, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.OneOf("type", query.Type, ["DYNAMIC", "STATIC"]);
        CommonRules.EnterpriseProjectId(rules, "enterprise_project_id", query.EnterpriseProjectId);
        rules.Length("name", query.Name, 0, 255);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var pools = db.Pools.AsNoTracking().Where(p => p.ProjectId == projectId);
        if (!string.IsNullOrEmpty(query.Name))
        {
            pools = pools.Where(p => p.Name.Contains(query.Name));
        }

        if (query.Type is not null)
        {
            var type = query.Type == "DYNAMIC" ? PoolType.Dynamic : PoolType.Static;
            pools = pools.Where(p => p.Type == type);
        }

        if (!string.IsNullOrEmpty(query.EnterpriseProjectId))
        {
            pools = pools.Where(p => p.EnterpriseProjectId == query.EnterpriseProjectId);
        }

        if (query.InMaintenanceMode is { } maintenance)
        {
            pools = pools.Where(p => p.InMaintenanceMode == maintenance);
        }

        var total = await pools.CountAsync(cancellationToken);
        var page = await pools.OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return (total, await ViewsAsync(page, cancellationToken));
    }

    public async Task<Failure?> UpdateAsync(
        string projectId, string poolId, UpdatePoolRequest request, CancellationToken cancellationToken)
    {
        var pool = await FindAsync(projectId, poolId, cancellationToken);
        if (pool is null)
        {
            return PoolNotFound(poolId);
        }

        var rules = new Rules();
        RefuseFixedFields(rules, request);
        var name = PoolRules.PoolName(rules, request.Name, required: false);
        rules.Length("description", request.Description, 0, 255);
        rules.Length("ou_name", request.OuName, 0, 255);
        var tags = request.Tags is null ? null : CommonRules.Tags(rules, request.Tags);
        CommonRules.EnterpriseProjectId(rules, "enterprise_project_id", NullIfEmpty(request.EnterpriseProjectId));
        var placed = scope.Place(request.EnterpriseProjectId, "enterprise_project_id");
        if (!placed.Succeeded)
        {
            return placed.Failure;
        }

        if (request.DisconnectedRetentionPeriod is not null)
        {
            PoolRules.Retention(rules, pool.Type, request.DisconnectedRetentionPeriod);
        }

        // A request that leaves the policy out keeps the pool's; enabling needs a policy from one or the other.
        var enableAutoscale = request.EnableAutoscale ?? pool.EnableAutoscale;
        var autoscale = request.AutoscalePolicy is not null
            ? PoolRules.Autoscale(rules, enableAutoscale, request.AutoscalePolicy)
            : PoolRules.Autoscale(rules, request.EnableAutoscale == true && pool.AutoscalePolicy is null, null);
        var userReset = PoolRules.UserReset(rules, request.UserResetPolicy);
        var zone = PoolRules.Zone(rules, request.AvailabilityZone, catalog);
        rules.Length("desktop_name_policy_id", request.DesktopNamePolicyId, 0, 36);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (name is not null && name != pool.Name
            && await LivePools.AnyAsync(p => p.ProjectId == projectId && p.Name == name, cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.NameTaken, $"name '{name}' is already used by another pool.", "name");
        }

        if (!string.IsNullOrEmpty(request.DesktopNamePolicyId)
            && await NamingPolicyService.CheckUsableForPoolAsync(db, projectId, request.DesktopNamePolicyId, cancellationToken)
                is { } namingFailure)
        {
            return namingFailure;
        }

        pool.Name = name ?? pool.Name;
        pool.Description = request.Description ?? pool.Description;
        pool.OuName = request.OuName ?? pool.OuName;
        pool.Tags = tags ?? pool.Tags;
        pool.EnterpriseProjectId = NullIfEmpty(request.EnterpriseProjectId) ?? pool.EnterpriseProjectId;
        pool.DisconnectedRetentionPeriod = request.DisconnectedRetentionPeriod ?? pool.DisconnectedRetentionPeriod;
        pool.EnableAutoscale = enableAutoscale;
        pool.AutoscalePolicy = autoscale ?? pool.AutoscalePolicy;
        pool.UserResetPolicy = userReset ?? pool.UserResetPolicy;
        pool.InMaintenanceMode = request.InMaintenanceMode ?? pool.InMaintenanceMode;
        if (request.AvailabilityZone is not null)
        {
            pool.AvailabilityZone = zone;
        }

        if (request.DesktopNamePolicyId is not null)
        {
            pool.DesktopNamePolicyId = NullIfEmpty(request.DesktopNamePolicyId);
        }

        pool.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict(ErrorCodes.StateConflict, $"Pool {poolId} was changed at the same time; read it and try again.");
        }
        catch (DbUpdateException)
        {
            // The unique index on live pool names: another request took the name between the check and the save.
            return Failure.Conflict(ErrorCodes.NameTaken, $"name '{pool.Name}' was taken by another pool at the same time.", "name");
        }

        return null;
    }

    public async Task<Failure?> DeleteAsync(string projectId, string poolId, CancellationToken cancellationToken)
    {
        var pool = await FindAsync(projectId, poolId, cancellationToken);
        if (pool is null)
        {
            return PoolNotFound(poolId);
        }

        var remaining = await db.Desktops.CountAsync(
            d => d.PoolId == poolId && d.State != DesktopState.Deleted, cancellationToken);
        if (remaining > 0)
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"Pool {pool.Name} still has {remaining} desktop(s); delete them first " +
                "(POST /v2/{project_id}/desktops/batch-delete), then delete the pool.");
        }

        if (await db.Jobs.AnyAsync(j => j.PoolId == poolId && (j.Status == JobStatus.Waiting || j.Status == JobStatus.Running),
                cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.StateConflict, $"Pool {pool.Name} has a job in progress; wait for it to end.");
        }

        pool.DeletedAt = time.GetUtcNow();
        pool.Version++;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Starts, stops, reboots or hibernates every desktop of the pool as one job.</summary>
    public async Task<Outcome<Job>> RunActionAsync(
        string projectId, string poolId, PoolActionRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("op_type", request.OpType))
        {
            rules.OneOf("op_type", request.OpType, DesktopActions.OpTypes);
        }

        rules.OneOf("type", request.Type, DesktopActions.Modes);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var pool = await FindAsync(projectId, poolId, cancellationToken);
        if (pool is null)
        {
            return PoolNotFound(poolId);
        }

        var desktops = await db.Desktops
            .Where(d => d.PoolId == poolId && d.State != DesktopState.Deleted)
            .OrderBy(d => d.ComputerName).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var job = Job.New(projectId, JobTypes.ExecuteDesktopsAction, poolId, desktops.Count, now);
        foreach (var desktop in desktops)
        {
            job.SubJobs.Add(DesktopActions.Plan(job, desktop, request.OpType!, request.Type ?? "SOFT", now));
        }

        return await SaveJobAsync(job, pool, now, cancellationToken);
    }

    /// <summary>Deletes desktops (of any pools of the project) as one job.</summary>
    public async Task<Outcome<Job>> DeleteDesktopsAsync(
        string projectId, DeleteDesktopsRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Ids("desktop_ids", request.DesktopIds, 1, 100);

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var ids = request.DesktopIds!.Distinct().ToList();
        var desktops = await db.DesktopsInScope
            .Where(d => d.ProjectId == projectId && ids.Contains(d.Id) && d.State != DesktopState.Deleted)
            .ToListAsync(cancellationToken);
        var missing = ids.Except(desktops.Select(d => d.Id)).FirstOrDefault();
        if (missing is not null)
        {
            return Failure.NotFound(ErrorCodes.DesktopNotFound, $"Desktop {missing} does not exist.");
        }

        var busy = desktops.FirstOrDefault(d => d.State is DesktopState.Creating or DesktopState.Deleting);
        if (busy is not null)
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"Desktop {busy.ComputerName} is {busy.State.ToString().ToLowerInvariant()}; wait until that ends.");
        }

        var poolIds = desktops.Select(d => d.PoolId).Distinct().ToList();
        var now = time.GetUtcNow();
        var job = Job.New(projectId, JobTypes.DeleteDesktops, poolIds.Count == 1 ? poolIds[0] : null, desktops.Count, now);
        foreach (var desktop in desktops)
        {
            desktop.MoveTo(DesktopState.Deleting, now, "delete requested");
            job.SubJobs.Add(DesktopActions.NewSubJob(job, desktop, DesktopOperation.Delete, JobTypes.DeleteDesktops, null, now));
        }

        var pool = poolIds.Count == 1 ? await FindAsync(projectId, poolIds[0], cancellationToken) : null;

        // A deleted desktop's binding ends with it, in the same transaction as the job.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Bindings.Where(b => ids.Contains(b.DesktopId)).ExecuteDeleteAsync(cancellationToken);
        var saved = await SaveJobAsync(job, pool, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    public async Task<Outcome<(int Total, List<Desktop> Items)>> ListDesktopsAsync(
        string projectId, string poolId, PoolDesktopQuery query, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.OneOf("status", query.Status, ["BUILD", "ACTIVE", "SHUTOFF", "ERROR", "HIBERNATED"]);
        rules.OneOf("sort_field", query.SortField, ["created", "computer_name"]);
        rules.OneOf("sort_type", query.SortType, ["ASC", "DESC"]);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (!await db.Pools.AnyAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken))
        {
            return PoolNotFound(poolId);
        }

        var desktops = db.Desktops.AsNoTracking().Where(d => d.PoolId == poolId && d.State != DesktopState.Deleted);
        if (query.Status is not null)
        {
            var states = Enum.GetValues<DesktopState>()
                .Where(s => DesktopTransitions.WireStatus(s) == query.Status).ToList();
            desktops = desktops.Where(d => states.Contains(d.State));
        }

        if (!string.IsNullOrEmpty(query.ComputerName))
        {
            desktops = desktops.Where(d => d.ComputerName.Contains(query.ComputerName));
        }

        if (!string.IsNullOrEmpty(query.DesktopIp))
        {
            desktops = desktops.Where(d => d.IpAddress == query.DesktopIp);
        }

        if (!string.IsNullOrEmpty(query.AvailabilityZone))
        {
            desktops = desktops.Where(d => d.AvailabilityZone == query.AvailabilityZone);
        }

        if (!string.IsNullOrEmpty(query.SubnetId))
        {
            desktops = desktops.Where(d => d.SubnetId == query.SubnetId);
        }

        var descending = query.SortType == "DESC";
        desktops = (query.SortField, descending) switch
        {
            ("computer_name", false) => desktops.OrderBy(d => d.ComputerName),
            ("computer_name", true) => desktops.OrderByDescending(d => d.ComputerName),
            (_, true) => desktops.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.ComputerName),
            _ => desktops.OrderBy(d => d.CreatedAt).ThenBy(d => d.ComputerName),
        };
        var total = await desktops.CountAsync(cancellationToken);
        var items = await desktops.Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return (total, items);
    }

    /// <summary>Who holds each of the given desktops (desktops nobody holds are left out).</summary>
    public Task<Dictionary<string, Broker.Binding>> BindingsOfAsync(
        IReadOnlyCollection<string> desktopIds, CancellationToken cancellationToken) =>
        db.Bindings.AsNoTracking().Where(b => desktopIds.Contains(b.DesktopId))
            .ToDictionaryAsync(b => b.DesktopId, cancellationToken);

    private async Task<Outcome<Job>> AddDesktopsAsync(
        Pool pool, int count, string jobType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var planner = new DesktopPlanner(db, catalog);
        var planned = await planner.PlanAsync(pool, count, onDemand: false, now, cancellationToken);
        if (!planned.Succeeded)
        {
            return planned.Failure;
        }

        db.Desktops.AddRange(planned.Value);
        var job = Job.New(pool.ProjectId, jobType, pool.Id, count, now);
        job.SubJobs.AddRange(DesktopPlanner.SubJobsFor(job, planned.Value, now));
        return await SaveJobAsync(job, pool, now, cancellationToken);
    }

    /// <summary>
    /// Saves a new job. A job whose sub-jobs are all settled already (an empty pool, only failed
    /// plans) is finished on the spot; otherwise the pool turns TEMPORARY and the workers are woken.
    /// </summary>
    private async Task<Outcome<Job>> SaveJobAsync(Job job, Pool? pool, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.Jobs.Add(job);
        var open = job.SubJobs.Any(s => s.Status is SubJobStatus.Waiting or SubJobStatus.Running);
        if (!open)
        {
            JobOutcome.Settle(job, now);
        }

        if (pool is not null)
        {
            pool.LastJobId = job.Id;
            pool.Version++;
            if (open)
            {
                pool.Status = PoolStatus.Temporary;
                pool.FailReason = null;
            }
            else
            {
                JobOutcome.ApplyToPool(pool, job, otherJobsOpen: false);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (open && db.Database.CurrentTransaction is null)
        {
            signal.Notify();
        }

        return job;
    }

    /// <summary>
    /// Runs a purchase (a new pool, or more desktops for one) as one transaction that first locks the
    /// project's row, then counts the quota, plans and saves. Purchases of one project thus take
    /// turns, on any number of nodes: on PostgreSQL the row lock holds a second purchase until the
    /// first commits, so it counts the first one's desktops; SQLite lets one writer in at a time.
    /// </summary>
    private async Task<Outcome<Job>> SaveWithRetryAsync(
        string projectId, Func<Task<Outcome<Job>>> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(
                    set => set.SetProperty(p => p.DesktopQuota, p => p.DesktopQuota), cancellationToken);
                var outcome = await attempt();
                if (outcome.Succeeded)
                {
                    await transaction.CommitAsync(cancellationToken);
                    signal.Notify();
                }

                return outcome;
            }
            catch (DbUpdateException) when (tries < MaxSaveAttempts)
            {
                // Another request took the same name, address or counter value first; plan again.
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(10 * tries), time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Live pools of every enterprise project: names are unique in the whole project, so a confined
    /// caller is told a name is taken even when the pool holding it is hidden from it.
    /// </summary>
    private IQueryable<Pool> LivePools => db.Pools.IgnoreQueryFilters([QueryFilters.EnterpriseProject]);

    private Task<Pool?> FindAsync(string projectId, string poolId, CancellationToken cancellationToken) =>
        db.Pools.FirstOrDefaultAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken);

    private async Task<List<PoolView>> ViewsAsync(List<Pool> pools, CancellationToken cancellationToken)
    {
        var ids = pools.Select(p => p.Id).ToList();
        var counts = await db.Desktops.AsNoTracking()
            .Where(d => ids.Contains(d.PoolId) && d.State != DesktopState.Deleted)
            .GroupBy(d => d.PoolId)
            .Select(g => new
            {
                PoolId = g.Key,
                Total = g.Count(),
                OnDemand = g.Count(d => d.OnDemand),
                Errors = g.Count(d => d.State == DesktopState.Error),
            })
            .ToDictionaryAsync(c => c.PoolId, cancellationToken);
        var used = await db.Bindings.AsNoTracking().Where(b => ids.Contains(b.PoolId))
            .GroupBy(b => b.PoolId).Select(g => new { PoolId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.PoolId, c => c.Count, cancellationToken);
        return pools.Select(p => counts.TryGetValue(p.Id, out var c)
                ? new PoolView(p, c.Total, used.GetValueOrDefault(p.Id), c.OnDemand, c.Errors)
                : new PoolView(p, 0, 0, 0, 0))
            .ToList();
    }

    private static void RefuseFixedFields(Rules rules, UpdatePoolRequest request)
    {
        void Refuse(string field, object? value, string how)
        {
            if (value is not null)
            {
                rules.Fail(ErrorCodes.FieldNotAllowed, field, $"{field} cannot be changed here; {how}.");
            }
        }

        Refuse("type", request.Type, "create a new pool of the other type");
        Refuse("size", request.Size, "grow the pool with POST .../desktop-pools/{pool_id}/expand");
        Refuse("image_id", request.ImageId, "switch images with POST .../desktop-pools/{pool_id}/rebuild");
        Refuse("product_id", request.ProductId, "change the package with POST .../desktop-pools/{pool_id}/resize");
        Refuse("subnet_ids", request.SubnetIds, "a pool's network is fixed at purchase");
        Refuse("vpc_id", request.VpcId, "a pool's network is fixed at purchase");
        Refuse("security_groups", request.SecurityGroups, "a pool's network is fixed at purchase");
        Refuse("image_type", request.ImageType, "switch images with POST .../desktop-pools/{pool_id}/rebuild");
        Refuse("root_volume", request.RootVolume, "change disks with POST .../desktop-pools/{pool_id}/volumes/batch-expand");
        Refuse("data_volumes", request.DataVolumes,
            "add or remove data disks with POST .../desktop-pools/{pool_id}/volumes/batch-add or batch-delete");
    }

    private static Pool NewPool(string projectId, PoolSpec spec, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7().ToString(),
        ProjectId = projectId,
        Name = spec.Name,
        Type = spec.Type,
        Description = spec.Description,
        ChargingMode = spec.ChargingMode,
        ProductId = spec.Product.ProductId,
        ImageId = spec.Image.Id,
        ImageType = spec.Image.ImageType,
        RootVolume = new Volume(Guid.CreateVersion7().ToString(), spec.RootVolume.Type!, spec.RootVolume.Size!.Value),
        DataVolumes = spec.DataVolumes
            .Select(v => new Volume(Guid.CreateVersion7().ToString(), v.Type!, v.Size!.Value)).ToList(),
        VpcId = spec.VpcId,
        SubnetIds = spec.SubnetIds.ToList(),
        SecurityGroupIds = spec.SecurityGroupIds.ToList(),
        AvailabilityZone = spec.AvailabilityZone,
        EnterpriseProjectId = spec.EnterpriseProjectId,
        DisconnectedRetentionPeriod = spec.RetentionMinutes,
        EnableAutoscale = spec.EnableAutoscale,
        AutoscalePolicy = spec.Autoscale,
        UserResetPolicy = spec.UserReset,
        Tags = spec.Tags.ToList(),
        DesktopNamePolicyId = spec.NamingPolicyId,
        OuName = spec.OuName,
        Domain = spec.Domain,
        Status = PoolStatus.Temporary,
        CreatedAt = now,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Failure PoolNotFound(string poolId) =>
        Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");

    private static Failure ServiceNotAuthorized(string projectId) => Failure.Forbidden(ErrorCodes.ServiceNotAuthorized,
        "Deskpool is not yet authorised to use images, networks and scaling for this project. An administrator " +
        $"grants it once with POST /v2/{projectId}/service-authorization; purchases are refused until then.");
}

public sealed record DeleteDesktopsRequest(List<string?>? DesktopIds);
