using Deskpool.Core.Desktops;
using Deskpool.Core.Events;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Users;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Broker;

public sealed record AssignRequest(string? UserId, string? UserName);

public sealed record UnassignRequest(bool? Reset);

/// <summary>The event a desktop's agent (or a gateway) reports.</summary>
public sealed record AgentEventRequest(string? Type, string? Ticket);

/// <summary>
/// Everything that changes a binding after it was made: disconnects, log-offs, the end of a
/// binding (with the reset it brings), administrators' assignments, and the agent's reports.
/// Every change is conditional on the binding's version, so two nodes (or a timer and a user)
/// acting on one binding at once cannot both succeed: a binding ends, and its desktop is reset,
/// exactly once.
/// </summary>
public sealed class Bindings(
    DeskpoolDbContext db,
    TimeProvider time,
    BrokerSignal signal,
    WorkSignal work,
    IOptions<BrokerOptions> options)
{
    public const string Connect = "connect";
    public const string Disconnect = "disconnect";
    public const string Logoff = "logoff";
    public const string Heartbeat = "heartbeat";

    private static readonly string[] AgentEvents = [Connect, Disconnect, Logoff, Heartbeat];

    public async Task<Outcome<Binding>> DisconnectAsync(
        string projectId, string poolId, string userId, string reason, CancellationToken cancellationToken)
    {
        var found = await HeldAsync(projectId, poolId, userId, cancellationToken);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var (binding, pool) = found.Value;
        StartRetention(binding, pool, time.GetUtcNow());
        Disconnected(binding, reason);
        return await SaveAsync(binding, cancellationToken);
    }

    public async Task<Outcome<Binding>> LogoffAsync(
        string projectId, string poolId, string userId, CancellationToken cancellationToken)
    {
        var found = await HeldAsync(projectId, poolId, userId, cancellationToken);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var (binding, pool) = found.Value;
        if (binding.Permanent)
        {
            StartRetention(binding, pool, time.GetUtcNow());
            Disconnected(binding, "user logged off (static binding kept)");
            return await SaveAsync(binding, cancellationToken);
        }

        return await EndAsync(binding, "user logged off", reset: binding.Used, cancellationToken) is { } failure
            ? failure
            : binding;
    }

    /// <summary>
    /// Ends a binding: removes it and, when the user had the desktop, rebuilds the desktop from its
    /// image. The desktop turns idle again only once the rebuild succeeded (a failed one leaves it
    /// in error). Returns a failure when someone else changed or ended the binding first.
    /// </summary>
    public async Task<Failure?> EndAsync(
        Binding binding, string reason, bool reset, CancellationToken cancellationToken,
        string kind = PoolEventKinds.Unbound)
    {
        var now = time.GetUtcNow();
        var startsJob = false;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var desktop = await db.Desktops.FirstAsync(d => d.Id == binding.DesktopId, cancellationToken);
            if (reset && !BrokerJobs.CanReset(desktop) && desktop.State != DesktopState.Creating)
            {
                // Mid-operation (starting, rebooting…): look again shortly rather than reset a moving target.
                var postponed = await db.Bindings
                    .Where(b => b.Id == binding.Id && b.Version == binding.Version)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(b => b.ReleaseAt, now + TimeSpan.FromMinutes(1))
                        .SetProperty(b => b.Version, b => b.Version + 1), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return postponed == 0 ? await ChangedAsync(binding, cancellationToken) : null;
            }

            var removed = await db.Bindings
                .Where(b => b.Id == binding.Id && b.Version == binding.Version)
                .ExecuteDeleteAsync(cancellationToken);
            if (removed == 0)
            {
                return await ChangedAsync(binding, cancellationToken);
            }

            startsJob = reset && BrokerJobs.CanReset(desktop);
            string? jobId = null;
            if (startsJob)
            {
                var job = BrokerJobs.Reset(desktop, $"binding of {binding.UserName} ended: {reason}", now);
                db.Jobs.Add(job);
                jobId = job.Id;
            }

            PoolEvents.Add(db, desktop, kind, now, binding.UserName,
                startsJob ? $"{reason}; the desktop is being reset" : reason, jobId);

            db.Entry(binding).State = EntityState.Detached;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (startsJob)
        {
            work.Notify();
        }

        signal.Changed(binding.PoolId, "unbind");
        return null;
    }

    /// <summary>Binds a desktop of a static pool to a user, for good, as an administrator.</summary>
    public async Task<Outcome<Binding>> AssignAsync(
        string projectId, string poolId, string desktopId, AssignRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (request.UserId is null && request.UserName is null)
        {
            rules.Required("user_name", request.UserName);
        }

        if (rules.ToFailure() is { } missing)
        {
            return missing;
        }

        var located = await DesktopOfPoolAsync(projectId, poolId, desktopId, cancellationToken);
        if (!located.Succeeded)
        {
            return located.Failure;
        }

        var (pool, desktop) = located.Value;
        if (pool.Type != PoolType.Static)
        {
            return Failure.Conflict(ErrorCodes.IncompatibleChoice,
                $"Pool {pool.Name} is dynamic: its desktops are bound when users connect. Assign desktops of static pools only.");
        }

        if (desktop.State is DesktopState.Deleting or DesktopState.Deleted or DesktopState.Resetting)
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"Desktop {desktop.ComputerName} is {desktop.State.ToString().ToLowerInvariant()} and cannot be assigned.");
        }

        var key = request.UserName is null ? null : UserRules.Key(request.UserName);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(
            u => u.ProjectId == projectId && (u.Id == request.UserId || u.UserNameKey == key), cancellationToken);
        if (user is null)
        {
            return Failure.NotFound(ErrorCodes.UserNotFound, $"User {request.UserName ?? request.UserId} does not exist.");
        }

        var endUser = new EndUser(projectId, user.Id, user.UserName);
        if (!await Broker.AuthorizedPools(db, endUser).AnyAsync(p => p.Id == poolId, cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"User {user.UserName} is not authorised on pool {pool.Name}; authorise them (or a group of theirs) first.");
        }

        var binding = Binding.New(pool, desktop.Id, user.Id, user.UserName, time.GetUtcNow());
        db.Bindings.Add(binding);
        PoolEvents.Add(db, desktop, PoolEventKinds.Bound, binding.BoundAt, user.UserName, "assigned by an administrator");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Failure.Conflict(ErrorCodes.AlreadyBound,
                await db.Bindings.AnyAsync(b => b.DesktopId == desktop.Id, cancellationToken)
                    ? $"Desktop {desktop.ComputerName} is already assigned; unassign it first."
                    : $"User {user.UserName} already holds a desktop of pool {pool.Name}; unassign that one first.");
        }

        signal.Changed(poolId, "bind");
        return binding;
    }

    /// <summary>
    /// Takes a desktop back from its user, as an administrator. By default the desktop is rebuilt
    /// from its image so the next user finds nothing of the last; <c>reset: false</c> keeps the disk
    /// (static pools only, for handing a desktop over with its data).
    /// </summary>
    public async Task<Failure?> UnassignAsync(
        string projectId, string poolId, string desktopId, UnassignRequest request, CancellationToken cancellationToken)
    {
        var located = await DesktopOfPoolAsync(projectId, poolId, desktopId, cancellationToken);
        if (!located.Succeeded)
        {
            return located.Failure;
        }

        var (pool, desktop) = located.Value;
        if (request.Reset == false && pool.Type == PoolType.Dynamic)
        {
            return Failure.Invalid(ErrorCodes.IncompatibleChoice, "reset",
                "reset may only be false for static pools: a dynamic pool's desktop is always rebuilt before its next user.");
        }

        var binding = await db.Bindings.FirstOrDefaultAsync(b => b.DesktopId == desktop.Id, cancellationToken);
        if (binding is null)
        {
            return Failure.Conflict(ErrorCodes.NotBound, $"Desktop {desktop.ComputerName} is not assigned to anyone.");
        }

        return await EndAsync(binding, "unassigned by an administrator", reset: request.Reset ?? binding.Used, cancellationToken);
    }

    /// <summary>Records what the desktop's agent reports: the session's connect (redeeming the ticket), disconnect, logoff, or a heartbeat.</summary>
    public async Task<Outcome<Binding?>> AgentEventAsync(
        Desktop desktop, AgentEventRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("type", request.Type))
        {
            rules.OneOf("type", request.Type, AgentEvents);
        }

        if (request.Type == Connect)
        {
            rules.Required("ticket", request.Ticket);
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var binding = await db.Bindings.FirstOrDefaultAsync(b => b.DesktopId == desktop.Id, cancellationToken);
        if (binding is null)
        {
            return request.Type == Heartbeat
                ? (Binding?)null
                : Failure.Conflict(ErrorCodes.NotBound, $"Desktop {desktop.ComputerName} is not bound to any user.");
        }

        var now = time.GetUtcNow();
        switch (request.Type)
        {
            case Connect:
                if (!Tokens.Matches(binding.TicketDigest, request.Ticket!) || binding.TicketExpiresAt <= now)
                {
                    return new Failure(FailureKind.Forbidden, ErrorCodes.TicketInvalid,
                        "The connection ticket is unknown, already used or expired; the user must connect again.");
                }

                binding.TicketDigest = null;
                binding.TicketExpiresAt = null;
                binding.State = SessionState.Connected;
                binding.ConnectedAt = now;
                binding.DisconnectedAt = null;
                binding.ReleaseAt = null;
                binding.Used = true;
                break;
            case Disconnect:
                StartRetention(binding, await PoolOfAsync(binding, cancellationToken), now);
                Disconnected(binding, "the desktop's agent reported a disconnect");
                break;
            case Logoff when !binding.Permanent:
                return await EndAsync(binding, "user logged off", reset: binding.Used, cancellationToken) is { } ended
                    ? ended
                    : binding;
            case Logoff:
                StartRetention(binding, await PoolOfAsync(binding, cancellationToken), now);
                Disconnected(binding, "the desktop's agent reported a log-off (static binding kept)");
                break;
        }

        binding.AgentSeenAt = now;
        binding.Version++;
        var saved = await SaveAsync(binding, cancellationToken);
        return saved.Succeeded ? saved.Value : saved.Failure;
    }

    /// <summary>
    /// Starts the retention period: a dynamic binding is released when it runs out (absolute UTC,
    /// so it survives restarts); a static binding, or a dynamic pool without unbinding on
    /// disconnection, keeps the desktop.
    /// </summary>
    internal static void StartRetention(Binding binding, Pool pool, DateTimeOffset now)
    {
        binding.State = SessionState.Disconnected;
        binding.DisconnectedAt = now;
        binding.TicketDigest = null;
        binding.TicketExpiresAt = null;
        binding.ReleaseAt = !binding.Permanent && pool.DisconnectedRetentionPeriod is { } minutes
            ? now + TimeSpan.FromMinutes(minutes)
            : null;
        binding.Version++;
    }

    /// <summary>Records a disconnect, with when the binding will be released if it will.</summary>
    internal void Disconnected(Binding binding, string reason) =>
        AddDisconnected(db, binding, reason);

    internal static void AddDisconnected(DeskpoolDbContext db, Binding binding, string reason) =>
        PoolEvents.Add(db, binding.ProjectId, binding.PoolId, binding.DesktopId, PoolEventKinds.Disconnected,
            binding.DisconnectedAt!.Value, binding.UserName,
            binding.ReleaseAt is { } release ? $"{reason}; released at {release:u} unless the user returns" : reason);

    /// <summary>How long a binding made ahead of the user's first connect waits for them.</summary>
    internal TimeSpan UnclaimedHold(Pool pool) => pool.DisconnectedRetentionPeriod is { } minutes
        ? TimeSpan.FromMinutes(minutes)
        : options.Value.UnclaimedHold;

    private async Task<Outcome<(Binding, Pool)>> HeldAsync(
        string projectId, string poolId, string userId, CancellationToken cancellationToken)
    {
        var binding = await db.Bindings.FirstOrDefaultAsync(
            b => b.ProjectId == projectId && b.PoolId == poolId && b.UserId == userId, cancellationToken);
        if (binding is null)
        {
            return Failure.Conflict(ErrorCodes.NotBound, $"You hold no desktop in pool {poolId}.");
        }

        return (binding, await PoolOfAsync(binding, cancellationToken));
    }

    private Task<Pool> PoolOfAsync(Binding binding, CancellationToken cancellationToken) =>
        db.Pools.IgnoreQueryFilters().AsNoTracking().FirstAsync(p => p.Id == binding.PoolId, cancellationToken);

    private async Task<Outcome<(Pool, Desktop)>> DesktopOfPoolAsync(
        string projectId, string poolId, string desktopId, CancellationToken cancellationToken)
    {
        var pool = await db.Pools.AsNoTracking().FirstOrDefaultAsync(
            p => p.ProjectId == projectId && p.Id == poolId, cancellationToken);
        if (pool is null)
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var desktop = await db.Desktops.AsNoTracking().FirstOrDefaultAsync(
            d => d.PoolId == poolId && d.Id == desktopId && d.State != DesktopState.Deleted, cancellationToken);
        return desktop is null
            ? Failure.NotFound(ErrorCodes.DesktopNotFound, $"Desktop {desktopId} does not exist in pool {pool.Name}.")
            : (pool, desktop);
    }

    private async Task<Outcome<Binding>> SaveAsync(Binding binding, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return binding;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await ChangedAsync(binding, cancellationToken);
        }
    }

    /// <summary>Why a conditional change found nothing to change: the binding ended meanwhile, or changed.</summary>
    private async Task<Failure> ChangedAsync(Binding binding, CancellationToken cancellationToken) =>
        await db.Bindings.AnyAsync(b => b.Id == binding.Id, cancellationToken)
            ? Failure.Conflict(ErrorCodes.StateConflict,
                $"The binding of {binding.UserName} changed at the same time; read it again.")
            : Failure.Conflict(ErrorCodes.NotBound,
                $"The binding of {binding.UserName} has just ended (another request or a timer ended it first).");
}
