using System.Threading.Channels;
using Deskpool.Core.Compute;
using Deskpool.Core.Desktops;
using Deskpool.Core.Events;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Telemetry;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Broker;

/// <summary>What a connect answers: the desktop with its connection details, or "being prepared, retry after".</summary>
public sealed record ConnectResult(
    Desktop Desktop,
    bool Ready,
    ConsoleEndpoint? Endpoint,
    string? Ticket,
    DateTimeOffset? TicketExpiresAt,
    TimeSpan? RetryAfter);

/// <summary>A pool an end user may use, with the desktop they hold in it, if any.</summary>
public sealed record EndUserPool(Pool Pool, Binding? Binding, Desktop? Desktop);

/// <summary>
/// Hands desktops to end users. Assignment is one atomic step in the database: the binding row
/// is unique per desktop and per (pool, user), so no desktop is ever bound twice and no user holds
/// two desktops of a pool, whatever the number of concurrent connects or server nodes. On each node
/// connects are assigned by one writer in groups (one transaction for all connects that arrived
/// while the previous group was being written), which keeps a login storm to a few transactions.
/// </summary>
public sealed partial class Broker : IAsyncDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ComputeDrivers _drivers;
    private readonly TimeProvider _time;
    private readonly BrokerSignal _signal;
    private readonly WorkSignal _work;
    private readonly BrokerOptions _options;
    private readonly ILogger<Broker> _logger;
    private readonly IIdleDesktopQuery _idle;
    private readonly DeskpoolTelemetry _telemetry;
    private readonly Channel<ClaimRequest> _claims = Channel.CreateUnbounded<ClaimRequest>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;

    public Broker(
        IServiceScopeFactory scopes,
        ComputeDrivers drivers,
        TimeProvider time,
        BrokerSignal signal,
        WorkSignal work,
        IOptions<BrokerOptions> options,
        DeskpoolTelemetry telemetry,
        IIdleDesktopQuery idle,
        ILogger<Broker> logger)
    {
        _telemetry = telemetry;
        _idle = idle;
        _scopes = scopes;
        _drivers = drivers;
        _time = time;
        _signal = signal;
        _work = work;
        _options = options.Value;
        _logger = logger;
        _writer = Task.Run(() => WriteClaimsAsync(_stopping.Token));
    }

    /// <summary>The pools the user may use (authorised directly or through a group), with what they hold in each.</summary>
    public async Task<List<EndUserPool>> PoolsOfAsync(EndUser user, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var pools = await AuthorizedPools(db, user).OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var poolIds = pools.Select(p => p.Id).ToList();
        var bindings = await db.Bindings.AsNoTracking()
            .Where(b => b.UserId == user.UserId && poolIds.Contains(b.PoolId))
            .ToDictionaryAsync(b => b.PoolId, cancellationToken);
        var desktopIds = bindings.Values.Select(b => b.DesktopId).ToList();
        var desktops = await db.Desktops.AsNoTracking().Where(d => desktopIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        return pools.Select(p =>
        {
            var binding = bindings.GetValueOrDefault(p.Id);
            return new EndUserPool(p, binding, binding is null ? null : desktops.GetValueOrDefault(binding.DesktopId));
        }).ToList();
    }

    /// <summary>
    /// Connects the user to a desktop of the pool: the one they hold, or an idle one bound now, or
    /// (created upon access) a new one. Answers the connection details with a one-time ticket when
    /// the desktop runs, or "being prepared" with when to ask again.
    /// </summary>
    public async Task<Outcome<ConnectResult>> ConnectAsync(EndUser user, string poolId, CancellationToken cancellationToken)
    {
        using var activity = DeskpoolTelemetry.Activities.StartActivity("broker connect");
        activity?.SetTag("deskpool.pool_id", poolId);
        var started = _time.GetTimestamp();
        var outcome = await ConnectOnceAsync(user, poolId, cancellationToken);
        var answer = !outcome.Succeeded ? "refused" : outcome.Value.Ready ? "ready" : "preparing";
        activity?.SetTag("deskpool.outcome", answer);
        _telemetry.Connected(_time.GetElapsedTime(started), answer);
        return outcome;
    }

    private async Task<Outcome<ConnectResult>> ConnectOnceAsync(
        EndUser user, string poolId, CancellationToken cancellationToken)
    {
        var pool = await UsablePoolAsync(user, poolId, cancellationToken);
        if (!pool.Succeeded)
        {
            return pool.Failure;
        }

        if (pool.Value.InMaintenanceMode)
        {
            return Failure.Conflict(ErrorCodes.PoolInMaintenance,
                $"Desktop pool {pool.Value.Name} is under maintenance; no desktop is handed out until it ends.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var claim = await ClaimAsync(user, pool.Value, cancellationToken);
            if (claim.Failure is { } failure)
            {
                return failure;
            }

            if (claim.Desktop is { } desktop)
            {
                return await AnswerAsync(claim, desktop, cancellationToken);
            }

            // No idle desktop: create one on access, or say when one will be ready, or why none will.
            await using var scope = _scopes.CreateAsyncScope();
            var scaler = scope.ServiceProvider.GetRequiredService<Autoscaler>();
            var created = await scaler.CreateOnAccessAsync(pool.Value, user, cancellationToken);
            if (created.IsCreated && attempt < 2)
            {
                continue;
            }

            return created.Failure ?? Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Every desktop of pool {pool.Value.Name} is in use; try again later or ask the administrator to expand it.",
                _options.PreparingRetryAfter);
        }
    }

    /// <summary>The user leaves the desktop; in a dynamic pool the retention period starts.</summary>
    public async Task<Outcome<Binding>> DisconnectAsync(EndUser user, string poolId, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var bindings = scope.ServiceProvider.GetRequiredService<Bindings>();
        return await bindings.DisconnectAsync(user.ProjectId, poolId, user.UserId, "user disconnected", cancellationToken);
    }

    /// <summary>The user signs out of the desktop: a dynamic binding ends at once (the desktop is reset), a static one stays.</summary>
    public async Task<Outcome<Binding>> LogoffAsync(EndUser user, string poolId, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var bindings = scope.ServiceProvider.GetRequiredService<Bindings>();
        return await bindings.LogoffAsync(user.ProjectId, poolId, user.UserId, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _claims.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
            // Stopped with the host.
        }

        _stopping.Dispose();
    }

    internal static IQueryable<Pool> AuthorizedPools(DeskpoolDbContext db, EndUser user) =>
        AuthorizedPools(db, user.ProjectId, user.UserId);

    private static IQueryable<Pool> AuthorizedPools(DeskpoolDbContext db, string projectId, string userId) =>
        db.Pools.AsNoTracking().Where(p => p.ProjectId == projectId && db.PoolAuthorizations.Any(a =>
            a.PoolId == p.Id
            && ((a.ObjectType == AuthorizedObjectType.User && a.ObjectId == userId)
                || (a.ObjectType == AuthorizedObjectType.UserGroup
                    && db.GroupMemberships.Any(m => m.GroupId == a.ObjectId && m.UserId == userId)))));

    /// <summary>
    /// The pool a connect names, if the user may use it: the rule of <see cref="AuthorizedPools(DeskpoolDbContext, EndUser)"/>
    /// for one pool, compiled once because every connect asks it (a compiled query cannot call the
    /// builder). Tests of connect and of the pool list hold the two to the same rule.
    /// </summary>
    private static readonly Func<DeskpoolDbContext, string, string, string, CancellationToken, Task<Pool?>> UsablePool =
        EF.CompileAsyncQuery((DeskpoolDbContext db, string projectId, string userId, string poolId, CancellationToken _) =>
            db.Pools.AsNoTracking().FirstOrDefault(p => p.Id == poolId && p.ProjectId == projectId && db.PoolAuthorizations.Any(a =>
                a.PoolId == p.Id
                && ((a.ObjectType == AuthorizedObjectType.User && a.ObjectId == userId)
                    || (a.ObjectType == AuthorizedObjectType.UserGroup
                        && db.GroupMemberships.Any(m => m.GroupId == a.ObjectId && m.UserId == userId))))));

    private async Task<Outcome<Pool>> UsablePoolAsync(EndUser user, string poolId, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var pool = await UsablePool(db, user.ProjectId, user.UserId, poolId, cancellationToken);
        return pool is null
            ? Failure.NotFound(ErrorCodes.PoolNotFound,
                $"Desktop pool {poolId} does not exist, or you are not authorised to use it.")
            : pool;
    }

    private async Task<Outcome<ConnectResult>> AnswerAsync(ClaimResult claim, Desktop desktop, CancellationToken cancellationToken)
    {
        if (claim.Ticket is null)
        {
            if (desktop.State is DesktopState.Error)
            {
                return Failure.Conflict(ErrorCodes.StateConflict,
                    $"Your desktop {desktop.ComputerName} is in error ({desktop.FailReason ?? "no cause recorded"}); " +
                    "ask the administrator to repair or reassign it.");
            }

            return new ConnectResult(desktop, Ready: false, null, null, null, _options.PreparingRetryAfter);
        }

        try
        {
            var endpoint = await _drivers.ForZone(desktop.AvailabilityZone).GetConsoleAsync(
                new MachineRef(desktop.Id, desktop.ComputerName, desktop.AvailabilityZone), cancellationToken);
            return new ConnectResult(desktop, Ready: true, endpoint, claim.Ticket, claim.TicketExpiresAt, null);
        }
        catch (ComputeDriverException ex)
        {
            // The desktop stays bound to the user; asking again may find the display up.
            return Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                $"Your desktop {desktop.ComputerName} is bound to you but its display cannot be reached now: {ex.Message}",
                _options.PreparingRetryAfter);
        }
    }

    private async Task<ClaimResult> ClaimAsync(EndUser user, Pool pool, CancellationToken cancellationToken)
    {
        var request = new ClaimRequest(user, pool, new TaskCompletionSource<ClaimResult>(
            TaskCreationOptions.RunContinuationsAsynchronously));
        await _claims.Writer.WriteAsync(request, cancellationToken);
        return await request.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteClaimsAsync(CancellationToken stopping)
    {
        var group = new List<ClaimRequest>();
        while (await _claims.Reader.WaitToReadAsync(stopping))
        {
            group.Clear();
            while (group.Count < _options.MaxClaimBatch && _claims.Reader.TryRead(out var request))
            {
                group.Add(request);
            }

            try
            {
                await ClaimGroupAsync(group, stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                Log.ClaimGroupFailed(_logger, ex, group.Count);
                foreach (var request in group)
                {
                    request.Done.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// Assigns a group of connects in one transaction. A group that collides with another node's
    /// assignment (a unique index refuses the save) is decided again on fresh data.
    /// </summary>
    private async Task ClaimGroupAsync(List<ClaimRequest> group, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var results = await DecideAsync(db, group, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                foreach (var (request, result) in results)
                {
                    request.Done.TrySetResult(result);
                }

                var jobs = results.Any(r => r.Result.StartedJob);
                if (jobs)
                {
                    _work.Notify();
                }

                foreach (var poolId in results.Where(r => r.Result.NewlyBound).Select(r => r.Request.Pool.Id).Distinct())
                {
                    _signal.Changed(poolId, "bind");
                }

                return;
            }
            catch (DbUpdateException ex) when (attempt < MaxClaimAttempts)
            {
                Log.ClaimCollided(_logger, ex, group.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), _time, cancellationToken);
            }
            catch (DbUpdateException ex)
            {
                // Still colliding after every attempt: tell the clients to ask again, never fail them.
                Log.ClaimCollided(_logger, ex, group.Count, attempt);
                var busy = Failure.Unavailable(ErrorCodes.NoDesktopAvailable,
                    "Many users are being assigned desktops at this moment; try again in a second.", TimeSpan.FromSeconds(1));
                foreach (var request in group)
                {
                    request.Done.TrySetResult(ClaimResult.Refused(busy));
                }

                return;
            }
        }
    }

    private async Task<List<(ClaimRequest Request, ClaimResult Result)>> DecideAsync(
        DeskpoolDbContext db, List<ClaimRequest> group, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var userIds = group.Select(r => r.User.UserId).Distinct().ToList();
        var poolIds = group.Select(r => r.Pool.Id).Distinct().ToList();
        var held = await db.Bindings
            .Where(b => userIds.Contains(b.UserId) && poolIds.Contains(b.PoolId))
            .ToDictionaryAsync(b => (b.PoolId, b.UserId), cancellationToken);
        var heldDesktopIds = held.Values.Select(b => b.DesktopId).ToList();
        var desktops = await db.Desktops.Where(d => heldDesktopIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);

        // Idle desktops per pool, enough for every newcomer of the group.
        var idle = new Dictionary<string, Queue<Desktop>>();
        foreach (var poolGroup in group.Where(r => !held.ContainsKey((r.Pool.Id, r.User.UserId))).GroupBy(r => r.Pool.Id))
        {
            var wanted = poolGroup.Select(r => r.User.UserId).Distinct().Count();
            var candidates = await _idle.TakeAsync(db, poolGroup.Key, wanted, cancellationToken);
            if (candidates.Count < wanted && await IdleDesktopQuery.Of(db, poolGroup.Key).CountAsync(cancellationToken) > candidates.Count)
            {
                // Idle desktops exist that another node's writer holds locked right now: they may
                // be free again in a moment, so this is a collision to retry, not "none idle".
                throw new DbUpdateException("Idle desktops are locked by another node's assignment.");
            }

            idle[poolGroup.Key] = new Queue<Desktop>(candidates);
        }

        await AddLateBindingsAsync(db, group, held, desktops, idle, cancellationToken);

        var decided = new Dictionary<(string PoolId, string UserId), ClaimResult>();
        var results = new List<(ClaimRequest, ClaimResult)>(group.Count);
        foreach (var request in group)
        {
            var key = (request.Pool.Id, request.User.UserId);
            if (!decided.TryGetValue(key, out var result))
            {
                result = held.TryGetValue(key, out var binding)
                    ? Reconnect(db, binding, desktops[binding.DesktopId], now)
                    : Bind(db, request, idle[request.Pool.Id], now);
                decided[key] = result;
            }

            results.Add((request, result));
        }

        return results;
    }

    /// <summary>
    /// Where a pool has fewer idle desktops than newcomers, asks once more who holds what: another
    /// node may have bound some of these users after <paramref name="held"/> was read (each statement
    /// sees what was committed before it), and they reconnect to that desktop instead of being told
    /// that none is left. A binding committed later still is caught by the unique index at commit.
    /// </summary>
    private static async Task AddLateBindingsAsync(
        DeskpoolDbContext db,
        List<ClaimRequest> group,
        Dictionary<(string PoolId, string UserId), Binding> held,
        Dictionary<string, Desktop> desktops,
        Dictionary<string, Queue<Desktop>> idle,
        CancellationToken cancellationToken)
    {
        var unserved = group
            .Where(r => !held.ContainsKey((r.Pool.Id, r.User.UserId)))
            .GroupBy(r => r.Pool.Id)
            .Where(g => g.Select(r => r.User.UserId).Distinct().Count() > idle[g.Key].Count)
            .SelectMany(g => g)
            .ToList();
        if (unserved.Count == 0)
        {
            return;
        }

        var userIds = unserved.Select(r => r.User.UserId).Distinct().ToList();
        var poolIds = unserved.Select(r => r.Pool.Id).Distinct().ToList();
        var late = await db.Bindings
            .Where(b => userIds.Contains(b.UserId) && poolIds.Contains(b.PoolId))
            .ToListAsync(cancellationToken);
        var lateDesktopIds = late.Select(b => b.DesktopId).Where(id => !desktops.ContainsKey(id)).ToList();
        foreach (var desktop in await db.Desktops.Where(d => lateDesktopIds.Contains(d.Id)).ToListAsync(cancellationToken))
        {
            desktops[desktop.Id] = desktop;
        }

        foreach (var binding in late)
        {
            held.TryAdd((binding.PoolId, binding.UserId), binding);
        }
    }

    private ClaimResult Reconnect(DeskpoolDbContext db, Binding binding, Desktop desktop, DateTimeOffset now)
    {
        if (desktop.State == DesktopState.Running)
        {
            PoolEvents.Add(db, desktop, PoolEventKinds.Connected, now, binding.UserName, "user connected again");
            return Connect(binding, desktop, now, newlyBound: false);
        }

        if (desktop.State is DesktopState.Stopped or DesktopState.Hibernated)
        {
            // The user's own desktop was powered off: power it on and let them retry.
            db.Jobs.Add(BrokerJobs.Start(desktop, now));
            return new ClaimResult(desktop, null, null, null, NewlyBound: false, StartedJob: true);
        }

        return new ClaimResult(desktop, null, null, null, NewlyBound: false, StartedJob: false);
    }

    private ClaimResult Bind(DeskpoolDbContext db, ClaimRequest request, Queue<Desktop> idle, DateTimeOffset now)
    {
        if (!idle.TryDequeue(out var desktop))
        {
            return ClaimResult.NoIdle;
        }

        var binding = Binding.New(request.Pool, desktop.Id, request.User.UserId, request.User.UserName, now);
        db.Bindings.Add(binding);
        PoolEvents.Add(db, desktop, PoolEventKinds.Bound, now, binding.UserName, "user connected; an idle desktop was bound");
        return Connect(binding, desktop, now, newlyBound: true);
    }

    private ClaimResult Connect(Binding binding, Desktop desktop, DateTimeOffset now, bool newlyBound)
    {
        var ticket = Tokens.NewToken();
        binding.State = SessionState.Connected;
        binding.ConnectedAt = now;
        binding.DisconnectedAt = null;
        binding.ReleaseAt = null;
        binding.Used = true;
        binding.TicketDigest = Tokens.Digest(ticket);
        binding.TicketExpiresAt = now + _options.TicketLifetime;
        binding.Version++;
        return new ClaimResult(desktop, null, ticket, binding.TicketExpiresAt, newlyBound, StartedJob: false);
    }

    private const int MaxClaimAttempts = 20;

    private sealed record ClaimRequest(EndUser User, Pool Pool, TaskCompletionSource<ClaimResult> Done);

    private sealed record ClaimResult(
        Desktop? Desktop,
        Failure? Failure,
        string? Ticket,
        DateTimeOffset? TicketExpiresAt,
        bool NewlyBound,
        bool StartedJob)
    {
        public static readonly ClaimResult NoIdle = new(null, null, null, null, false, false);

        public static ClaimResult Refused(Failure failure) => new(null, failure, null, null, false, false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
            Message = "A group of {Count} connect(s) collided with another node's assignment (attempt {Attempt}); deciding again")]
        public static partial void ClaimCollided(ILogger logger, Exception exception, int count, int attempt);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Assigning a group of {Count} connect(s) failed")]
        public static partial void ClaimGroupFailed(ILogger logger, Exception exception, int count);
    }
}
