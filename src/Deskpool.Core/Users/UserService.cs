using Deskpool.Core.Audit;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Users;

/// <summary>One checked row of a creation request: the user to write, or why it cannot be.</summary>
public sealed record UserDraft(int Index, User? User, IReadOnlyList<string> GroupIds, string? Password, IReadOnlyList<Failure> Failures)
{
    public bool IsValid => Failures.Count == 0;
}

/// <summary>Creates, lists, changes and deletes users; activation and password changes.</summary>
public sealed class UserService(
    DeskpoolDbContext db,
    TimeProvider time,
    IPasswordHasher<User> hasher,
    IUserMail mail,
    LoginDetails loginDetails,
    IOptions<UserAccountOptions> options,
    AccessScope scope,
    AuditNote audit)
{
    public const int MaxBatch = 200;

    public async Task<Outcome<User>> CreateAsync(string projectId, CreateUserRequest request, CancellationToken cancellationToken)
    {
        var drafts = await CheckAsync(projectId, [request], _ => "", cancellationToken);
        if (!drafts[0].IsValid)
        {
            return Combine(drafts[0].Failures);
        }

        return await SaveAsync(drafts, cancellationToken) ?? (Outcome<User>)drafts[0].User!;
    }

    /// <summary>Creates 1–200 users, all or none: one invalid row refuses the whole batch and names it.</summary>
    public async Task<Failure?> CreateBatchAsync(
        string projectId, BatchCreateUsersRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (!rules.Required("users", request.Users) || !rules.Count("users", request.Users, 1, MaxBatch))
        {
            return rules.ToFailure();
        }

        var rows = request.Users!.Select(u => u ?? new CreateUserRequest()).ToList();
        var drafts = await CheckAsync(projectId, rows, i => $"users[{i}].", cancellationToken);
        var failures = drafts.SelectMany(d => d.Failures).ToList();
        return failures.Count > 0 ? Combine(failures) : await SaveAsync(drafts, cancellationToken);
    }

    /// <summary>
    /// Checks rows as one batch against every user rule, against each other and against the
    /// project's existing users and groups. Writes nothing; import previews use it as they are.
    /// </summary>
    public async Task<List<UserDraft>> CheckAsync(
        string projectId, IReadOnlyList<CreateUserRequest> rows, Func<int, string> prefix, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var names = rows.Where(r => r.UserName is not null).Select(r => UserRules.Key(r.UserName!)).ToList();
        var emails = rows.Where(r => !string.IsNullOrWhiteSpace(r.UserEmail)).Select(r => UserRules.Key(r.UserEmail!)).ToList();
        // Names and e-mails are unique in the whole project, whichever enterprise project holds them.
        var allUsers = db.Users.IgnoreQueryFilters([QueryFilters.EnterpriseProject]);
        var takenNames = (await allUsers.Where(u => u.ProjectId == projectId && names.Contains(u.UserNameKey))
            .Select(u => u.UserNameKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var takenEmails = (await allUsers.Where(u => u.ProjectId == projectId && emails.Contains(u.EmailKey!))
            .Select(u => u.EmailKey!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var groupIds = rows.Where(r => r.GroupIds is not null).SelectMany(r => r.GroupIds!).OfType<string>().Distinct().ToList();
        var knownGroups = (await db.UserGroups.Where(g => g.ProjectId == projectId && groupIds.Contains(g.Id))
            .Select(g => g.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

        var drafts = new List<UserDraft>(rows.Count);
        var batchNames = new HashSet<string>(StringComparer.Ordinal);
        var batchEmails = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var placed = scope.Place(rows[i].EnterpriseProjectId, prefix(i) + "enterprise_project_id");
            var row = placed.Succeeded ? rows[i] with { EnterpriseProjectId = placed.Value } : rows[i];
            var draft = CheckRow(projectId, i, row, prefix(i), now, knownGroups);
            var failures = draft.Failures.ToList();
            if (!placed.Succeeded)
            {
                failures.Insert(0, placed.Failure);
            }

            if (draft.User is { } user)
            {
                if (takenNames.Contains(user.UserNameKey) || !batchNames.Add(user.UserNameKey))
                {
                    failures.Add(Failure.Conflict(ErrorCodes.NameTaken,
                        $"{prefix(i)}user_name '{user.UserName}' is already used (names are compared ignoring case).",
                        prefix(i) + "user_name"));
                }

                if (user.EmailKey is { } emailKey && (takenEmails.Contains(emailKey) || !batchEmails.Add(emailKey)))
                {
                    failures.Add(Failure.Conflict(ErrorCodes.EmailTaken,
                        $"{prefix(i)}user_email '{user.Email}' is already used by another user.", prefix(i) + "user_email"));
                }
            }

            drafts.Add(draft with { Failures = failures, User = failures.Count == 0 ? draft.User : null });
        }

        return drafts;
    }

    public async Task<(int Total, List<(User User, List<string> Groups)> Items)> ListAsync(
        string projectId, UserListQuery query, CancellationToken cancellationToken)
    {
        var users = db.Users.AsNoTracking().Where(u => u.ProjectId == projectId);
        if (!string.IsNullOrEmpty(query.UserName))
        {
            var key = UserRules.Key(query.UserName);
            users = users.Where(u => u.UserNameKey.Contains(key));
        }

        if (!string.IsNullOrEmpty(query.Description))
        {
            users = users.Where(u => u.Description != null && u.Description.Contains(query.Description));
        }

        if (query.ActiveType is not null)
        {
            var type = query.ActiveType == ActiveTypes.Admin ? ActivationType.AdminActivate : ActivationType.UserActivate;
            users = users.Where(u => u.ActiveType == type);
        }

        if (!string.IsNullOrEmpty(query.EnterpriseProjectId))
        {
            users = users.Where(u => u.EnterpriseProjectId == query.EnterpriseProjectId);
        }

        if (query.Disabled is { } disabled)
        {
            users = users.Where(u => u.Disabled == disabled);
        }

        if (!string.IsNullOrEmpty(query.GroupName))
        {
            var groupKey = UserRules.Key(query.GroupName);
            users = users.Where(u => db.GroupMemberships.Any(m => m.UserId == u.Id
                && db.UserGroups.Any(g => g.Id == m.GroupId && g.NameKey == groupKey)));
        }

        var total = await users.CountAsync(cancellationToken);
        var page = await users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        var groups = await GroupNamesAsync(page.Select(u => u.Id).ToList(), cancellationToken);
        return (total, page.Select(u => (u, groups.GetValueOrDefault(u.Id) ?? [])).ToList());
    }

    public async Task<Outcome<(User User, List<string> Groups)>> GetAsync(
        string projectId, string userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking()
            .FirstOrDefaultAsync(u => u.ProjectId == projectId && u.Id == userId, cancellationToken);
        if (user is null)
        {
            return UserNotFound(userId);
        }

        var groups = await GroupNamesAsync([user.Id], cancellationToken);
        return (user, groups.GetValueOrDefault(user.Id) ?? []);
    }

    public async Task<Outcome<User>> UpdateAsync(
        string projectId, string userId, UpdateUserRequest request, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.ProjectId == projectId && u.Id == userId, cancellationToken);
        if (user is null)
        {
            return UserNotFound(userId);
        }

        var rules = new Rules();
        if (request.UserName is not null)
        {
            rules.Fail(ErrorCodes.FieldNotAllowed, "user_name",
                "user_name cannot be changed; create a new user and delete this one.");
        }

        if (request.Password is not null)
        {
            rules.Fail(ErrorCodes.FieldNotAllowed, "password",
                "password cannot be set here; use POST .../users/{user_id}/actions {\"op_type\":\"RESET_PWD\"}.");
        }

        rules.Length("description", request.Description, 0, 255);
        rules.PlainText("description", request.Description);
        rules.Length("user_info_map", request.UserInfoMap, 0, 255);
        rules.OneOf("active_type", request.ActiveType, ActiveTypes.All);
        var email = request.UserEmail is null ? null : UserRules.Email(rules, "user_email", request.UserEmail, required: false);
        var phone = request.UserPhone is null ? null : UserRules.Phone(rules, "user_phone", request.UserPhone);
        var expires = UserRules.Expiry(rules, "account_expires", request.AccountExpires, time.GetUtcNow(), out _);
        if (request.ActiveType == ActiveTypes.User && (email ?? user.Email) is null)
        {
            rules.Fail(ErrorCodes.FieldRequired, "user_email", "user_email is required for USER_ACTIVATE users.");
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (email is not null && UserRules.Key(email) != user.EmailKey && await db.Users
                .IgnoreQueryFilters([QueryFilters.EnterpriseProject]).AnyAsync(
                u => u.ProjectId == projectId && u.EmailKey == UserRules.Key(email) && u.Id != userId, cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.EmailTaken, $"user_email '{email}' is already used by another user.", "user_email");
        }

        if (email is not null)
        {
            user.Email = email;
            user.EmailKey = UserRules.Key(email);
        }

        user.Phone = request.UserPhone is null ? user.Phone : phone;
        user.Description = request.Description ?? user.Description;
        user.UserInfoMap = request.UserInfoMap ?? user.UserInfoMap;
        user.AccountExpires = request.AccountExpires is null ? user.AccountExpires : expires;
        user.EnableChangePassword = request.EnableChangePassword ?? user.EnableChangePassword;
        user.NextLoginChangePassword = request.NextLoginChangePassword ?? user.NextLoginChangePassword;
        user.PasswordNeverExpired = request.PasswordNeverExpired ?? user.PasswordNeverExpired;
        user.Disabled = request.Disabled ?? user.Disabled;
        if (request.ActiveType is not null)
        {
            user.ActiveType = request.ActiveType == ActiveTypes.Admin ? ActivationType.AdminActivate : ActivationType.UserActivate;
        }

        user.Version++;
        return await SaveOneAsync(user, cancellationToken);
    }

    public async Task<Failure?> DeleteAsync(string projectId, IReadOnlyList<string?>? userIds, string field, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Ids(field, userIds, 1, 100);

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var ids = userIds!.OfType<string>().Distinct().ToList();
        var users = await db.Users.Where(u => u.ProjectId == projectId && ids.Contains(u.Id)).ToListAsync(cancellationToken);
        var missing = ids.Except(users.Select(u => u.Id)).FirstOrDefault();
        if (missing is not null)
        {
            return UserNotFound(missing);
        }

        await db.GroupMemberships.Where(m => ids.Contains(m.UserId)).ExecuteDeleteAsync(cancellationToken);
        await db.PoolAuthorizations.IgnoreQueryFilters([QueryFilters.EnterpriseProject])
            .Where(a => a.ObjectType == Pools.AuthorizedObjectType.User && ids.Contains(a.ObjectId))
            .ExecuteDeleteAsync(cancellationToken);
        await db.ActivationTokens.Where(t => ids.Contains(t.UserId)).ExecuteDeleteAsync(cancellationToken);
        db.Users.RemoveRange(users);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>LOCK, UNLOCK, or RESET_PWD (e-mails a single-use link to set a new password).</summary>
    public async Task<Failure?> ChangeStatusAsync(
        string projectId, string userId, UserActionRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("op_type", request.OpType))
        {
            rules.OneOf("op_type", request.OpType, ["LOCK", "UNLOCK", "RESET_PWD"]);
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.ProjectId == projectId && u.Id == userId, cancellationToken);
        if (user is null)
        {
            return UserNotFound(userId);
        }

        switch (request.OpType)
        {
            case "LOCK":
                user.Locked = true;
                break;
            case "UNLOCK":
                user.Locked = false;
                user.FailedSignIns = 0;
                user.LastFailedSignInAt = null;
                user.NextSignInAt = null;
                break;
            default:
                if (user.Email is null)
                {
                    return Failure.Conflict(ErrorCodes.StateConflict,
                        $"User {user.UserName} has no e-mail address to send a reset link to; set user_email first.");
                }

                // A reset takes the old password away at once: whoever knew it can no longer use it.
                user.PasswordHash = null;
                await IssueTokenAsync(user, ActivationToken.ResetPassword, cancellationToken);
                break;
        }

        user.Version++;
        var saved = await SaveOneAsync(user, cancellationToken);
        return saved.Succeeded ? null : saved.Failure;
    }

    /// <summary>Sends a fresh activation link; earlier links stop working.</summary>
    public async Task<Failure?> ResendActivationAsync(string projectId, string userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.ProjectId == projectId && u.Id == userId, cancellationToken);
        if (user is null)
        {
            return UserNotFound(userId);
        }

        if (user.ActiveType != ActivationType.UserActivate || user.IsActivated)
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"User {user.UserName} {(user.IsActivated ? "is already activated" : "is activated by the administrator")}; " +
                "there is no activation link to send.");
        }

        await IssueTokenAsync(user, ActivationToken.Activate, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// Whose password an activation or reset link sets, without using it: the page the link opens
    /// names the account, and judges the password against its username while it is typed.
    /// </summary>
    public async Task<Outcome<ActivationLink>> ActivationLinkAsync(string? token, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (!rules.Required("token", token))
        {
            return rules.ToFailure()!;
        }

        var found = await UsableTokenAsync(token!, cancellationToken);
        return found.Succeeded
            ? new ActivationLink(found.Value.User.ProjectId, found.Value.User.UserName, found.Value.Token.ExpiresAt)
            : found.Failure;
    }

    /// <summary>Sets the password with a single-use, expiring token from an activation or reset mail.</summary>
    public async Task<Failure?> ActivateAsync(ActivateRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Required("token", request.Token);
        rules.Required("password", request.Password);
        if (rules.ToFailure() is { } missing)
        {
            return missing;
        }

        var found = await UsableTokenAsync(request.Token!, cancellationToken);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        var (token, user) = found.Value;
        var now = time.GetUtcNow();
        if (!UserRules.Password(rules, "password", request.Password, user.UserName))
        {
            return rules.ToFailure();
        }

        token.UsedAt = now;
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        user.ActivatedAt ??= now;
        user.NextLoginChangePassword = false;
        user.Version++;
        await loginDetails.ForUserAsync(user, cancellationToken);
        var saved = await SaveOneAsync(user, cancellationToken);
        return saved.Succeeded ? null : saved.Failure;
    }

    /// <summary>
    /// Replaces the password of an end user who has just proved the current one (the sign-in
    /// service checks it, with its slow-down and lock).
    /// </summary>
    public async Task<Failure?> ReplaceOwnPasswordAsync(User user, ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (AccountBlocked(user) is { } blocked)
        {
            return blocked;
        }

        if (!user.EnableChangePassword)
        {
            return Failure.Forbidden(ErrorCodes.PasswordChangeDisabled, "This account may not change its password.");
        }

        if (!UserRules.Password(rules, "new_password", request.NewPassword, user.UserName))
        {
            return rules.ToFailure();
        }

        if (request.NewPassword == request.OldPassword)
        {
            return Failure.Invalid(ErrorCodes.FieldNotAllowed, "new_password", "new_password must differ from the current password.");
        }

        user.PasswordHash = hasher.HashPassword(user, request.NewPassword!);
        user.NextLoginChangePassword = false;
        user.Version++;
        var saved = await SaveOneAsync(user, cancellationToken);
        return saved.Succeeded ? null : saved.Failure;
    }

    private static UserDraft CheckRow(
        string projectId, int index, CreateUserRequest row, string prefix, DateTimeOffset now, IReadOnlySet<string> knownGroups)
    {
        var rules = new Rules();
        var name = UserRules.UserName(rules, prefix + "user_name", row.UserName);
        rules.OneOf(prefix + "active_type", row.ActiveType, ActiveTypes.All);
        var admin = row.ActiveType == ActiveTypes.Admin;
        var email = UserRules.Email(rules, prefix + "user_email", row.UserEmail, required: !admin);
        var phone = UserRules.Phone(rules, prefix + "user_phone", row.UserPhone);
        var expires = UserRules.Expiry(rules, prefix + "account_expires", row.AccountExpires, now, out _);
        rules.Length(prefix + "description", row.Description, 0, 255);
        rules.PlainText(prefix + "description", row.Description);
        rules.Length(prefix + "alias_name", row.AliasName, 0, 55);
        rules.PlainText(prefix + "alias_name", row.AliasName);
        rules.Length(prefix + "user_info_map", row.UserInfoMap, 0, 255);
        rules.Length(prefix + "domain", row.Domain, 0, 255);
        CommonRules.EnterpriseProjectId(rules, prefix + "enterprise_project_id", NullIfEmpty(row.EnterpriseProjectId));
        if (admin)
        {
            UserRules.Password(rules, prefix + "password", row.Password, name);
        }
        else if (row.Password is not null)
        {
            rules.Fail(ErrorCodes.FieldNotAllowed, prefix + "password",
                $"{prefix}password is set by the user through the activation e-mail; leave it out for USER_ACTIVATE.");
        }

        var groups = new List<string>();
        if (row.GroupIds is not null && rules.Count(prefix + "group_ids", row.GroupIds, 1, 5))
        {
            for (var g = 0; g < row.GroupIds.Count; g++)
            {
                var groupId = row.GroupIds[g];
                if (!rules.Required($"{prefix}group_ids[{g}]", groupId))
                {
                    continue;
                }

                if (!knownGroups.Contains(groupId!))
                {
                    rules.Fail(ErrorCodes.UnknownReference, $"{prefix}group_ids[{g}]",
                        $"{prefix}group_ids[{g}] '{groupId}' is not a user group of this project.");
                }
                else if (!groups.Contains(groupId!))
                {
                    groups.Add(groupId!);
                }
            }
        }

        if (rules.ToFailure() is { } failure)
        {
            return new UserDraft(index, null, groups, null, [failure, .. failure.Others]);
        }

        var user = new User
        {
            Id = Guid.NewGuid().ToString("N"),
            ProjectId = projectId,
            UserName = name!,
            UserNameKey = UserRules.Key(name!),
            Email = email,
            EmailKey = email is null ? null : UserRules.Key(email),
            Phone = phone,
            Description = row.Description,
            AliasName = row.AliasName,
            ActiveType = admin ? ActivationType.AdminActivate : ActivationType.UserActivate,
            AccountExpires = expires,
            EnableChangePassword = row.EnableChangePassword ?? true,
            NextLoginChangePassword = admin && (row.NextLoginChangePassword ?? true),
            EnterpriseProjectId = NullIfEmpty(row.EnterpriseProjectId) ?? "0",
            UserInfoMap = row.UserInfoMap,
            CreatedAt = now,
        };
        return new UserDraft(index, user, groups, admin ? row.Password : null, []);
    }

    /// <summary>Writes valid drafts in one transaction: users, memberships, activation links and their mails.</summary>
    public async Task<Failure?> SaveAsync(IReadOnlyList<UserDraft> drafts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var draft in drafts.Where(d => d.IsValid))
        {
            var user = draft.User!;
            db.Users.Add(user);
            db.GroupMemberships.AddRange(draft.GroupIds.Select(g => new GroupMembership { GroupId = g, UserId = user.Id, CreatedAt = now }));
            if (draft.Password is not null)
            {
                user.PasswordHash = hasher.HashPassword(user, draft.Password);
                user.ActivatedAt = now;
            }
            else
            {
                await IssueTokenAsync(user, ActivationToken.Activate, cancellationToken);
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            // A concurrent request took one of the names or addresses between the check and the save.
            db.ChangeTracker.Clear();
            return Failure.Conflict(ErrorCodes.NameTaken,
                "A username or e-mail address of this request was taken at the same time; nothing was created.");
        }
    }

    private async Task IssueTokenAsync(User user, string purpose, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.ActivationTokens.Where(t => t.UserId == user.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), cancellationToken);
        var token = Tokens.NewToken();
        var expiresAt = now + options.Value.ActivationLinkLifetime;
        db.ActivationTokens.Add(new ActivationToken
        {
            Id = Guid.CreateVersion7().ToString(),
            UserId = user.Id,
            ProjectId = user.ProjectId,
            TokenDigest = Tokens.Digest(token),
            Purpose = purpose,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        });
        await mail.QueueSetPasswordAsync(user, token, purpose, expiresAt, cancellationToken);
    }

    private async Task<Outcome<User>> SaveOneAsync(User user, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return user;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict(ErrorCodes.StateConflict, $"User {user.UserName} was changed at the same time; try again.");
        }
        catch (DbUpdateException)
        {
            return Failure.Conflict(ErrorCodes.EmailTaken, "The e-mail address was taken at the same time by another user.");
        }
    }

    private async Task<Dictionary<string, List<string>>> GroupNamesAsync(List<string> userIds, CancellationToken cancellationToken)
    {
        var rows = await db.GroupMemberships.AsNoTracking()
            .Where(m => userIds.Contains(m.UserId))
            .Join(db.UserGroups, m => m.GroupId, g => g.Id, (m, g) => new { m.UserId, g.Name })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.Select(r => r.Name).Order().ToList());
    }

    /// <summary>Locked, disabled and expired accounts may not set or change a password.</summary>
    /// <summary>The link's token and its user, when the link still works and the account may use it.</summary>
    private async Task<Outcome<(ActivationToken Token, User User)>> UsableTokenAsync(
        string token, CancellationToken cancellationToken)
    {
        var digest = Tokens.Digest(token);
        var found = await db.ActivationTokens.FirstOrDefaultAsync(t => t.TokenDigest == digest, cancellationToken);
        if (found is null)
        {
            return Failure.Invalid(ErrorCodes.ActivationInvalid, "token", "The activation link is not valid.");
        }

        if (found.UsedAt is not null)
        {
            return Failure.Invalid(ErrorCodes.ActivationUsed, "token",
                "The activation link has already been used or was replaced by a newer one; ask the administrator for a new one.");
        }

        if (found.ExpiresAt <= time.GetUtcNow())
        {
            return Failure.Invalid(ErrorCodes.ActivationExpired, "token",
                $"The activation link expired at {found.ExpiresAt:yyyy-MM-dd HH:mm} UTC; ask the administrator for a new one.");
        }

        var user = await db.Users.FirstAsync(u => u.Id == found.UserId, cancellationToken);
        audit.ActedBy(user.ProjectId, new AuditActor(AuditActorKind.EndUser, user.Id, user.UserName), user.EnterpriseProjectId);
        if (AccountBlocked(user) is { } blocked)
        {
            return blocked;
        }

        return (found, user);
    }

    private Failure? AccountBlocked(User user)
    {
        var state = user.Locked ? "locked" : user.Disabled ? "disabled"
            : user.AccountExpires <= time.GetUtcNow() ? "expired" : null;
        return state is null
            ? null
            : Failure.Forbidden(ErrorCodes.AccountBlocked, $"The account is {state}; ask the administrator to restore it first.");
    }

    private static Failure Combine(IReadOnlyList<Failure> failures) => failures[0] with { Others = failures.Skip(1).ToList() };

    internal static Failure UserNotFound(string userId) =>
        Failure.NotFound(ErrorCodes.UserNotFound, $"User {userId} does not exist in this project.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
