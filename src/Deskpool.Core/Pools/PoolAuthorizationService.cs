using Deskpool.Core.Persistence;
using Deskpool.Core.Users;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Pools;

/// <summary>Authorises users and user groups on pools, with a permission group that fits the pool's OS.</summary>
public sealed class PoolAuthorizationService(
    DeskpoolDbContext db, Catalog.Catalog catalog, TimeProvider time, LoginDetails loginDetails)
{
    public const int MaxObjects = 500;
    private static readonly string[] Actions = ["ADD", "REMOVE", "CHANGE_PRIVILEGE"];

    public async Task<Failure?> ApplyAsync(
        string projectId, string poolId, AuthorizeRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("action", request.Action))
        {
            rules.OneOf("action", request.Action, Actions);
        }

        rules.Required("objects", request.Objects);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var pool = await db.Pools.FirstOrDefaultAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken);
        if (pool is null)
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var failureOrNull = await StageAsync(pool, request.Action!, request.Objects!, "objects", cancellationToken);
        if (failureOrNull is not null)
        {
            return failureOrNull;
        }

        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Checks the objects against the pool and stages the change in the caller's unit of work
    /// (pool creation passes its new, unsaved pool here). Newly authorised users of a pool with
    /// ready desktops get their login details by e-mail.
    /// </summary>
    public async Task<Failure?> StageAsync(
        Pool pool, string action, IReadOnlyList<AuthorizedObjectRequest?> objects, string field, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Count(field, objects, 1, MaxObjects);
        var osType = catalog.Image(pool.ImageId)?.OsType ?? "Windows";
        var allowed = PermissionGroups.For(osType);
        var checkedObjects = new List<(AuthorizedObjectType Type, string Id, string Name, string? Group, string Field)>();
        for (var i = 0; i < objects.Count; i++)
        {
            var prefix = $"{field}[{i}]";
            var item = objects[i];
            if (!rules.Required(prefix, item))
            {
                continue;
            }

            var ok = rules.Required($"{prefix}.object_id", item!.ObjectId)
                & rules.Required($"{prefix}.object_type", item.ObjectType)
                && rules.OneOf($"{prefix}.object_type", item.ObjectType, ["USER", "USER_GROUP"]);
            rules.Length($"{prefix}.object_name", item.ObjectName, 0, 100);
            if (action != "REMOVE" && rules.Required($"{prefix}.user_group", item.UserGroup)
                && !allowed.Contains(item.UserGroup, StringComparer.Ordinal))
            {
                rules.Fail(ErrorCodes.PermissionGroupMismatch, $"{prefix}.user_group",
                    $"{prefix}.user_group '{item.UserGroup}' does not fit a {osType} pool; use {string.Join(" or ", allowed)}.");
                ok = false;
            }

            if (ok)
            {
                var type = item.ObjectType == "USER" ? AuthorizedObjectType.User : AuthorizedObjectType.UserGroup;
                if (checkedObjects.Any(o => o.Type == type && o.Id == item.ObjectId))
                {
                    rules.Fail(ErrorCodes.FieldNotAllowed, $"{prefix}.object_id",
                        $"{prefix}.object_id '{item.ObjectId}' appears more than once in this request.");
                    continue;
                }

                checkedObjects.Add((type, item.ObjectId!, item.ObjectName ?? "", item.UserGroup, prefix));
            }
        }

        if (rules.ToFailure() is { } invalid)
        {
            return invalid;
        }

        var names = await ResolveNamesAsync(pool.ProjectId, checkedObjects.Select(o => (o.Type, o.Id)).ToList(), cancellationToken);
        foreach (var o in checkedObjects)
        {
            if (!names.TryGetValue((o.Type, o.Id), out var actual))
            {
                return Failure.Invalid(ErrorCodes.UnknownReference, $"{o.Field}.object_id",
                    $"{o.Field}.object_id '{o.Id}' is not a {(o.Type == AuthorizedObjectType.User ? "user" : "user group")} of this project.");
            }

            if (o.Name.Length > 0 && !string.Equals(UserRules.Key(o.Name), UserRules.Key(actual), StringComparison.Ordinal))
            {
                return Failure.Invalid(ErrorCodes.IncompatibleChoice, $"{o.Field}.object_name",
                    $"{o.Field}.object_name '{o.Name}' does not match the name of {o.Id} ('{actual}').");
            }
        }

        var ids = checkedObjects.Select(o => o.Id).ToList();
        var existing = await db.PoolAuthorizations.Where(a => a.PoolId == pool.Id && ids.Contains(a.ObjectId))
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var newlyAuthorized = new List<(AuthorizedObjectType, string)>();
        foreach (var o in checkedObjects)
        {
            var current = existing.FirstOrDefault(a => a.ObjectId == o.Id && a.ObjectType == o.Type);
            switch (action)
            {
                case "ADD" when current is null:
                    db.PoolAuthorizations.Add(new PoolAuthorization
                    {
                        PoolId = pool.Id,
                        ProjectId = pool.ProjectId,
                        ObjectType = o.Type,
                        ObjectId = o.Id,
                        UserGroup = o.Group!,
                        CreatedAt = now,
                    });
                    newlyAuthorized.Add((o.Type, o.Id));
                    break;
                case "ADD" when current.UserGroup != o.Group:
                    return Failure.Conflict(ErrorCodes.StateConflict,
                        $"{names[(o.Type, o.Id)]} is already authorised as '{current.UserGroup}'; use CHANGE_PRIVILEGE to change it.",
                        $"{o.Field}.user_group");
                case "ADD":
                    break;
                case "REMOVE" or "CHANGE_PRIVILEGE" when current is null:
                    return Failure.Invalid(ErrorCodes.UnknownReference, $"{o.Field}.object_id",
                        $"{names[(o.Type, o.Id)]} is not authorised on pool {pool.Name}.");
                case "REMOVE":
                    db.PoolAuthorizations.Remove(current);
                    break;
                case "CHANGE_PRIVILEGE":
                    current.UserGroup = o.Group!;
                    break;
            }
        }

        if (newlyAuthorized.Count > 0)
        {
            await loginDetails.ForPoolAsync(pool, newlyAuthorized, cancellationToken);
        }

        return null;
    }

    public async Task<Outcome<(int Total, List<AuthorizedObjectView> Items)>> ListAsync(
        string projectId, string poolId, int offset, int limit, CancellationToken cancellationToken)
    {
        if (!await db.Pools.AnyAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken))
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var query = db.PoolAuthorizations.AsNoTracking().Where(a => a.PoolId == poolId);
        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(a => a.CreatedAt).ThenBy(a => a.ObjectId).Skip(offset).Take(limit)
            .ToListAsync(cancellationToken);
        var names = await ResolveNamesAsync(projectId, page.Select(a => (a.ObjectType, a.ObjectId)).ToList(), cancellationToken);
        return (total, page.Select(a => new AuthorizedObjectView(a.ObjectId, names.GetValueOrDefault((a.ObjectType, a.ObjectId), ""),
            a.ObjectType, a.UserGroup, a.CreatedAt)).ToList());
    }

    private async Task<Dictionary<(AuthorizedObjectType, string), string>> ResolveNamesAsync(
        string projectId, List<(AuthorizedObjectType Type, string Id)> objects, CancellationToken cancellationToken)
    {
        var userIds = objects.Where(o => o.Type == AuthorizedObjectType.User).Select(o => o.Id).ToList();
        var groupIds = objects.Where(o => o.Type == AuthorizedObjectType.UserGroup).Select(o => o.Id).ToList();
        var users = await db.Users.Where(u => u.ProjectId == projectId && userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName }).ToListAsync(cancellationToken);
        var groups = await db.UserGroups.Where(g => g.ProjectId == projectId && groupIds.Contains(g.Id))
            .Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken);
        return users.Select(u => ((AuthorizedObjectType.User, u.Id), u.UserName))
            .Concat(groups.Select(g => ((AuthorizedObjectType.UserGroup, g.Id), g.Name)))
            .ToDictionary(x => x.Item1, x => x.Item2);
    }
}
