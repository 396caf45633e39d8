using System.Text.RegularExpressions;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Users;

public sealed record CreateGroupRequest(string? GroupName, string? PlatformType, string? Description);

public sealed record UpdateGroupRequest(string? GroupName, string? Description);

public sealed record GroupMembersRequest(string? OpType, List<string?>? UserIds);

public sealed record BatchDeleteGroupsRequest(List<string?>? GroupIds);

public sealed record GroupView(UserGroup Group, int UserQuantity);

/// <summary>User groups (common and AD) and their members.</summary>
public sealed partial class UserGroupService(
    DeskpoolDbContext db, TimeProvider time, LoginDetails loginDetails, AccessScope scope)
{
    private static readonly string[] Platforms = ["LOCAL", "AD"];

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex GroupNamePattern();

    public async Task<Outcome<UserGroup>> CreateAsync(string projectId, CreateGroupRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var rules = new Rules();
        var name = GroupName(rules, request.GroupName);
        if (rules.Required("platform_type", request.PlatformType))
        {
            rules.OneOf("platform_type", request.PlatformType, Platforms);
        }

        rules.Length("description", request.Description, 0, 255);
        rules.PlainText("description", request.Description);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var key = UserRules.Key(name!);
        if (await db.UserGroups.AnyAsync(g => g.ProjectId == projectId && g.NameKey == key, cancellationToken))
        {
            return NameTaken(name!);
        }

        var group = new UserGroup
        {
            Id = Guid.NewGuid().ToString("N"),
            ProjectId = projectId,
            Name = name!,
            NameKey = key,
            Platform = request.PlatformType == "AD" ? GroupPlatform.Ad : GroupPlatform.Local,
            Description = request.Description,
            CreatedAt = time.GetUtcNow(),
        };
        db.UserGroups.Add(group);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return NameTaken(name!);
        }

        return group;
    }

    public async Task<(int Total, List<GroupView> Items)> ListAsync(
        string projectId, string? keyword, string? platform, int offset, int limit, CancellationToken cancellationToken)
    {
        var groups = db.UserGroups.AsNoTracking().Where(g => g.ProjectId == projectId);
        if (!string.IsNullOrEmpty(keyword))
        {
            var key = UserRules.Key(keyword);
            groups = groups.Where(g => g.NameKey.Contains(key));
        }

        if (platform is not null)
        {
            var wanted = platform == "AD" ? GroupPlatform.Ad : GroupPlatform.Local;
            groups = groups.Where(g => g.Platform == wanted);
        }

        var total = await groups.CountAsync(cancellationToken);
        var page = await groups.OrderBy(g => g.CreatedAt).ThenBy(g => g.Id)
            .Select(g => new GroupView(g, db.GroupMemberships.Count(m => m.GroupId == g.Id)))
            .Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return (total, page);
    }

    public async Task<Failure?> UpdateAsync(
        string projectId, string groupId, UpdateGroupRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var group = await db.UserGroups.FirstOrDefaultAsync(g => g.ProjectId == projectId && g.Id == groupId, cancellationToken);
        if (group is null)
        {
            return GroupNotFound(groupId);
        }

        var rules = new Rules();
        var name = request.GroupName is null ? null : GroupName(rules, request.GroupName);
        rules.Length("description", request.Description, 0, 255);
        if (name is not null && group.Platform == GroupPlatform.Ad && name != group.Name)
        {
            rules.Fail(ErrorCodes.FieldNotAllowed, "group_name", "AD groups cannot be renamed; their name comes from the directory.");
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (name is not null && UserRules.Key(name) != group.NameKey && await db.UserGroups.AnyAsync(
                g => g.ProjectId == projectId && g.NameKey == UserRules.Key(name), cancellationToken))
        {
            return NameTaken(name);
        }

        if (name is not null)
        {
            group.Name = name;
            group.NameKey = UserRules.Key(name);
        }

        group.Description = request.Description ?? group.Description;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<Failure?> DeleteAsync(
        string projectId, IReadOnlyList<string?>? groupIds, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var rules = new Rules();
        rules.Ids("group_ids", groupIds, 1, 100);

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var ids = groupIds!.OfType<string>().Distinct().ToList();
        var groups = await db.UserGroups.Where(g => g.ProjectId == projectId && ids.Contains(g.Id)).ToListAsync(cancellationToken);
        var missing = ids.Except(groups.Select(g => g.Id)).FirstOrDefault();
        if (missing is not null)
        {
            return GroupNotFound(missing);
        }

        await db.GroupMemberships.Where(m => ids.Contains(m.GroupId)).ExecuteDeleteAsync(cancellationToken);
        await db.PoolAuthorizations.Where(a => a.ObjectType == Pools.AuthorizedObjectType.UserGroup && ids.Contains(a.ObjectId))
            .ExecuteDeleteAsync(cancellationToken);
        db.UserGroups.RemoveRange(groups);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Adds (ADD) or removes (DELETE) 1–50 users; adding a member twice or removing a non-member changes nothing.</summary>
    public async Task<Failure?> ChangeMembersAsync(
        string projectId, string groupId, GroupMembersRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var rules = new Rules();
        if (rules.Required("op_type", request.OpType))
        {
            rules.OneOf("op_type", request.OpType, ["ADD", "DELETE"]);
        }

        rules.Ids("user_ids", request.UserIds, 1, 50, maxLength: 55);

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (!await db.UserGroups.AnyAsync(g => g.ProjectId == projectId && g.Id == groupId, cancellationToken))
        {
            return GroupNotFound(groupId);
        }

        var ids = request.UserIds!.OfType<string>().Distinct().ToList();
        var known = await db.Users.Where(u => u.ProjectId == projectId && ids.Contains(u.Id)).Select(u => u.Id)
            .ToListAsync(cancellationToken);
        var missing = ids.Except(known).FirstOrDefault();
        if (missing is not null)
        {
            return UserService.UserNotFound(missing);
        }

        var members = await db.GroupMemberships.Where(m => m.GroupId == groupId && ids.Contains(m.UserId))
            .ToListAsync(cancellationToken);
        if (request.OpType == "ADD")
        {
            var now = time.GetUtcNow();
            var joining = ids.Except(members.Select(m => m.UserId)).ToList();
            db.GroupMemberships.AddRange(joining.Select(id => new GroupMembership { GroupId = groupId, UserId = id, CreatedAt = now }));

            // Joining a group may open pools to the user: the mails are queued in the same save as the membership.
            await loginDetails.ForGroupJoinersAsync(groupId, joining, cancellationToken);
        }
        else
        {
            db.GroupMemberships.RemoveRange(members);
        }

        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<Outcome<(int Total, List<User> Items)>> MembersAsync(
        string projectId, string groupId, string? userName, int offset, int limit, CancellationToken cancellationToken)
    {
        if (!await db.UserGroups.AnyAsync(g => g.ProjectId == projectId && g.Id == groupId, cancellationToken))
        {
            return GroupNotFound(groupId);
        }

        var users = db.Users.AsNoTracking()
            .Where(u => db.GroupMemberships.Any(m => m.GroupId == groupId && m.UserId == u.Id));
        if (!string.IsNullOrEmpty(userName))
        {
            var key = UserRules.Key(userName);
            users = users.Where(u => u.UserNameKey.Contains(key));
        }

        var total = await users.CountAsync(cancellationToken);
        var page = await users.OrderBy(u => u.UserNameKey).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return (total, page);
    }

    /// <summary>Group names: 1–64 characters of letters, digits, '.', '-' and '_'.</summary>
    public static string? GroupName(Rules rules, string? value)
    {
        if (!rules.Required("group_name", value))
        {
            return null;
        }

        var name = UserRules.Normalize(value!);
        if (!rules.Length("group_name", name, 1, 64))
        {
            return null;
        }

        return rules.Matches("group_name", name, GroupNamePattern(), "may contain only letters, digits, '.', '-' and '_'")
            ? name
            : null;
    }

    internal static Failure GroupNotFound(string groupId) =>
        Failure.NotFound(ErrorCodes.UserGroupNotFound, $"User group {groupId} does not exist in this project.");

    private static Failure NameTaken(string name) =>
        Failure.Conflict(ErrorCodes.NameTaken, $"group_name '{name}' is already used (names are compared ignoring case).", "group_name");
}
