using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Users;

/// <summary>
/// Decides who is told that desktops are available: activated users entitled to a pool (directly
/// or through a group) once the pool has a ready desktop. The mail for one user and pool is queued
/// once (the outbox's idempotency key), so every trigger may simply ask again.
/// </summary>
public sealed class LoginDetails(DeskpoolDbContext db, IUserMail mail)
{
    /// <summary>Everyone entitled to the pool, or only those reached through <paramref name="objects"/>.</summary>
    public async Task ForPoolAsync(
        Pool pool, IReadOnlyCollection<(AuthorizedObjectType Type, string Id)>? objects, CancellationToken cancellationToken)
    {
        if (!await db.Desktops.AnyAsync(d => d.PoolId == pool.Id && d.State == DesktopState.Running, cancellationToken))
        {
            return;
        }

        var grants = objects?.ToList() ?? await db.PoolAuthorizations.Where(a => a.PoolId == pool.Id)
            .Select(a => new ValueTuple<AuthorizedObjectType, string>(a.ObjectType, a.ObjectId)).ToListAsync(cancellationToken);
        var userIds = grants.Where(a => a.Item1 == AuthorizedObjectType.User).Select(a => a.Item2).ToList();
        var groupIds = grants.Where(a => a.Item1 == AuthorizedObjectType.UserGroup).Select(a => a.Item2).ToList();
        var users = await db.Users
            .Where(u => u.ProjectId == pool.ProjectId && u.ActivatedAt != null && u.Email != null
                && (userIds.Contains(u.Id) || db.GroupMemberships.Any(m => m.UserId == u.Id && groupIds.Contains(m.GroupId))))
            .ToListAsync(cancellationToken);
        foreach (var user in users)
        {
            await mail.QueueLoginDetailsAsync(user, pool.Id, pool.Name, cancellationToken);
        }
    }

    /// <summary>The pools a group opens to users who are joining it (memberships not yet saved).</summary>
    public async Task ForGroupJoinersAsync(string groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var pools = await db.Pools
            .Where(p => db.Desktops.Any(d => d.PoolId == p.Id && d.State == DesktopState.Running)
                && db.PoolAuthorizations.Any(a => a.PoolId == p.Id
                    && a.ObjectType == AuthorizedObjectType.UserGroup && a.ObjectId == groupId))
            .ToListAsync(cancellationToken);
        if (pools.Count == 0)
        {
            return;
        }

        var users = await db.Users.Where(u => userIds.Contains(u.Id) && u.ActivatedAt != null && u.Email != null)
            .ToListAsync(cancellationToken);
        foreach (var pool in pools)
        {
            foreach (var user in users)
            {
                await mail.QueueLoginDetailsAsync(user, pool.Id, pool.Name, cancellationToken);
            }
        }
    }

    /// <summary>Every pool with ready desktops the user is entitled to (after activation).</summary>
    public async Task ForUserAsync(User user, CancellationToken cancellationToken)
    {
        if (user.Email is null)
        {
            return;
        }

        var pools = await db.Pools
            .Where(p => p.ProjectId == user.ProjectId
                && db.Desktops.Any(d => d.PoolId == p.Id && d.State == DesktopState.Running)
                && db.PoolAuthorizations.Any(a => a.PoolId == p.Id
                    && ((a.ObjectType == AuthorizedObjectType.User && a.ObjectId == user.Id)
                        || (a.ObjectType == AuthorizedObjectType.UserGroup
                            && db.GroupMemberships.Any(m => m.GroupId == a.ObjectId && m.UserId == user.Id)))))
            .ToListAsync(cancellationToken);
        foreach (var pool in pools)
        {
            await mail.QueueLoginDetailsAsync(user, pool.Id, pool.Name, cancellationToken);
        }
    }
}
