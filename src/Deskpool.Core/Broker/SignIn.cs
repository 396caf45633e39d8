using Deskpool.Core.Audit;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Users;
using Deskpool.Core.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Broker;

public sealed record SignInRequest(string? ProjectId, string? UserName, string? Password);

/// <summary>A signed-in end user, as the broker sees them.</summary>
public sealed record EndUser(string ProjectId, string UserId, string UserName);

public sealed record SignInResult(string Token, DateTimeOffset ExpiresAt, User User);

/// <summary>
/// End-user sign-in. Each refusal has its own code (wrong credentials, locked, disabled, expired,
/// not activated, password change required). Wrong passwords in a row first slow the account
/// down (each further attempt waits twice as long) and then lock it until an administrator unlocks.
/// </summary>
public sealed class SignInService(
    DeskpoolDbContext db,
    UserService users,
    IPasswordHasher<User> hasher,
    TimeProvider time,
    IOptions<BrokerOptions> options,
    AuditNote audit)
{
    private readonly BrokerOptions _options = options.Value;

    // Verified against when no such user exists, so that a wrong name costs as long as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<User>().HashPassword(null!, "decoy password that matches nothing"));

    public async Task<Outcome<SignInResult>> SignInAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Required("project_id", request.ProjectId);
        rules.Required("user_name", request.UserName);
        rules.Required("password", request.Password);
        rules.Length("user_name", request.UserName, 0, 64);
        rules.Length("password", request.Password, 0, 128);
        if (rules.ToFailure() is { } missing)
        {
            return missing;
        }

        var now = time.GetUtcNow();
        var checkedPassword = await VerifyPasswordAsync(request.ProjectId!, request.UserName!, request.Password!, now, cancellationToken);
        if (!checkedPassword.Succeeded)
        {
            return checkedPassword.Failure;
        }

        var user = checkedPassword.Value;
        if (user.Disabled)
        {
            return Failure.Forbidden(ErrorCodes.AccountDisabled, "The account is disabled; ask the administrator to enable it.");
        }

        if (user.AccountExpires is { } expires && expires <= now)
        {
            return Failure.Forbidden(ErrorCodes.AccountExpired,
                $"The account expired on {expires:yyyy-MM-dd HH:mm} UTC; ask the administrator to extend it.");
        }

        if (user.NextLoginChangePassword && user.ActiveType == ActivationType.AdminActivate && user.EnableChangePassword)
        {
            return Failure.Forbidden(ErrorCodes.PasswordChangeRequired,
                "The administrator set this password; choose your own first with POST /v2/end-user/password.");
        }

        var token = Tokens.NewToken();
        var session = new EndUserSession
        {
            Id = Guid.CreateVersion7().ToString(),
            TokenDigest = Tokens.Digest(token),
            ProjectId = user.ProjectId,
            UserId = user.Id,
            CreatedAt = now,
            ExpiresAt = now + _options.SessionLifetime,
        };
        db.EndUserSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(token, session.ExpiresAt, user);
    }

    /// <summary>
    /// An end user changes their own password. The current password is checked exactly as at
    /// sign-in, with the same slow-down and lock, so this door cannot be used to guess passwords.
    /// </summary>
    public async Task<Failure?> ChangePasswordAsync(ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.Required("project_id", request.ProjectId);
        rules.Required("user_name", request.UserName);
        rules.Required("old_password", request.OldPassword);
        rules.Length("user_name", request.UserName, 0, 64);
        rules.Length("old_password", request.OldPassword, 0, 128);
        if (rules.ToFailure() is { } missing)
        {
            return missing;
        }

        var checkedPassword = await VerifyPasswordAsync(
            request.ProjectId!, request.UserName!, request.OldPassword!, time.GetUtcNow(), cancellationToken);
        return checkedPassword.Succeeded
            ? await users.ReplaceOwnPasswordAsync(checkedPassword.Value, request, cancellationToken)
            : checkedPassword.Failure;
    }

    /// <summary>
    /// Checks a password for an account. Every attempt counts as a failure until the password
    /// proves right, and claims its place in the count atomically: of parallel attempts only one is
    /// checked per count, so a burst cannot try more passwords than the slow-down and the lock allow.
    /// A right password clears the count.
    /// </summary>
    private async Task<Outcome<User>> VerifyPasswordAsync(
        string projectId, string userName, string password, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = UserRules.Key(userName);
        var user = await db.Users.FirstOrDefaultAsync(u => u.ProjectId == projectId && u.UserNameKey == key, cancellationToken);
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, DecoyHash.Value, password);
            return WrongCredentials();
        }

        audit.ActedBy(user.ProjectId, new AuditActor(AuditActorKind.EndUser, user.Id, user.UserName), user.EnterpriseProjectId);
        if (user.Locked)
        {
            return Failure.Forbidden(ErrorCodes.AccountLocked,
                "The account is locked (too many wrong passwords, or by the administrator); ask the administrator to unlock it.");
        }

        if (user.PasswordHash is null)
        {
            return Failure.Forbidden(ErrorCodes.AccountNotActivated,
                "The account is not activated yet; set a password with the link in the activation e-mail first.");
        }

        if (user.NextSignInAt is { } next && next > now)
        {
            return TooManyAttempts(next - now);
        }

        var count = user.FailedSignIns + 1;
        var beyond = count - _options.SlowDownAfterFailures;
        DateTimeOffset? nextAttempt = beyond >= 0 ? now + (_options.SlowDownBase * Math.Pow(2, Math.Min(beyond, 10))) : null;
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && u.FailedSignIns == user.FailedSignIns && !u.Locked)
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.FailedSignIns, count)
                .SetProperty(u => u.LastFailedSignInAt, now)
                .SetProperty(u => u.NextSignInAt, nextAttempt), cancellationToken);
        if (claimed == 0)
        {
            return TooManyAttempts(_options.SlowDownBase);
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            if (count >= _options.LockAfterFailures)
            {
                await db.Users.Where(u => u.Id == user.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(u => u.Locked, true), cancellationToken);
            }

            return WrongCredentials();
        }

        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set
            .SetProperty(u => u.FailedSignIns, 0)
            .SetProperty(u => u.LastFailedSignInAt, (DateTimeOffset?)null)
            .SetProperty(u => u.NextSignInAt, (DateTimeOffset?)null), cancellationToken);
        return user;
    }

    /// <summary>The signed-in user a bearer token belongs to, or null when the token is unknown, expired or the account blocked.</summary>
    public async Task<EndUser?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var found = await SessionUser(db, Tokens.Digest(token), now, cancellationToken);
        if (found is null || found.Locked || found.Disabled || found.AccountExpires <= now)
        {
            return null;
        }

        return new EndUser(found.ProjectId, found.Id, found.UserName);
    }

    private sealed record SessionAccount(
        string ProjectId, string Id, string UserName, bool Locked, bool Disabled, DateTimeOffset? AccountExpires);

    /// <summary>The account behind a live session token; asked on every end-user request, so compiled once.</summary>
    private static readonly Func<DeskpoolDbContext, string, DateTimeOffset, CancellationToken, Task<SessionAccount?>> SessionUser =
        EF.CompileAsyncQuery((DeskpoolDbContext db, string digest, DateTimeOffset now, CancellationToken _) =>
            db.EndUserSessions.AsNoTracking()
                .Where(s => s.TokenDigest == digest && s.ExpiresAt > now)
                .Join(db.Users, s => s.UserId, u => u.Id, (s, u) =>
                    new SessionAccount(u.ProjectId, u.Id, u.UserName, u.Locked, u.Disabled, u.AccountExpires))
                .FirstOrDefault());

    public Task SignOutAsync(string token, CancellationToken cancellationToken)
    {
        var digest = Tokens.Digest(token);
        return db.EndUserSessions.Where(s => s.TokenDigest == digest).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Removes sessions that ran out.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.EndUserSessions.Where(s => s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    private static long ApiSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    private static Failure TooManyAttempts(TimeSpan wait) => new(FailureKind.TooManyAttempts, ErrorCodes.TooManyAttempts,
        $"Too many wrong passwords in a row; try again in {ApiSeconds(wait)} second(s).") { RetryAfter = wait };

    private static Failure WrongCredentials() =>
        new(FailureKind.Unauthorized, ErrorCodes.SignInFailed, "The username or password is wrong.");
}
