using System.Security.Cryptography;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Deskpool.Core.Tenancy.AccessKeys;

public sealed record CreateAccessKeyRequest(string? Name, string? Credential);

public sealed record UpdateAccessKeyRequest(string? Status);

/// <summary>An access key as it is listed: never its secret.</summary>
public sealed record AccessKeyView(
    string Id,
    string Name,
    string CredentialId,
    string CredentialName,
    CredentialRole Role,
    AccessKeyState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>A new access key with its secret, which is shown this once and cannot be read again.</summary>
public sealed record CreatedAccessKey(AccessKeyView Key, string Secret);

/// <summary>
/// Access keys for signed requests: created for a credential of the project, listed, disabled,
/// enabled and deleted by administrators; and the check of a signed request, which turns it into
/// the credential its key belongs to.
/// </summary>
public sealed partial class AccessKeyService(
    DeskpoolDbContext db,
    AccessScope scope,
    SecretBox secrets,
    TimeProvider time,
    ILogger<AccessKeyService> logger)
{
    /// <summary>How many access keys one credential may hold.</summary>
    public const int MaxKeysPerCredential = 10;

    public const int MaxNameLength = 64;

    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Last use is written at most this often per key, so signed reads do not each cost a write.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a key for <paramref name="request"/>'s credential (its id or name in the project), or
    /// for the caller's own credential when none is named.
    /// </summary>
    public async Task<Outcome<CreatedAccessKey>> CreateAsync(
        string projectId, string callerCredentialId, CreateAccessKeyRequest request, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        if (rules.Required("name", request.Name))
        {
            rules.Length("name", request.Name, 1, MaxNameLength);
        }

        if (!rules.IsValid)
        {
            return rules.ToFailure()!;
        }

        if (scope.EnterpriseProjectId is not null && request.Credential is { } named
            && named != scope.Credential!.Id && named != scope.Credential.Name)
        {
            // Refused before the name is looked up, so a confined caller cannot learn which exist.
            return OnlyForItself();
        }

        var owner = await OwnerAsync(projectId, request.Credential ?? callerCredentialId, cancellationToken);
        if (!owner.Succeeded)
        {
            return owner.Failure;
        }

        var credential = owner.Value;
        if (scope.EnterpriseProjectId is not null && credential.Id != scope.Credential!.Id)
        {
            // A key acts with its credential's whole reach: a confined caller may not mint one for
            // a credential that could see more than it does, nor act for anyone else.
            return OnlyForItself();
        }

        if (await db.AccessKeys.CountAsync(k => k.CredentialId == credential.Id, cancellationToken) >= MaxKeysPerCredential)
        {
            return Failure.Invalid(ErrorCodes.QuotaExceeded, "credential",
                $"Credential '{credential.Name}' already holds {MaxKeysPerCredential} access keys, the most it may; " +
                "delete one first.");
        }

        var secret = RandomNumberGenerator.GetString(SecretAlphabet, 40);
        var id = RandomNumberGenerator.GetString(IdAlphabet, 20);
        var key = new AccessKey
        {
            Id = id,
            ProjectId = projectId,
            CredentialId = credential.Id,
            Name = request.Name!.Trim(),
            SealedSecret = secrets.Seal(secret, id),
            State = AccessKeyState.Enabled,
            CreatedAt = time.GetUtcNow(),
        };
        db.AccessKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedAccessKey(View(key, credential), secret);
    }

    public async Task<IReadOnlyList<AccessKeyView>> ListAsync(string projectId, CancellationToken cancellationToken)
    {
        var rows = await Manageable(projectId).AsNoTracking()
            .Join(db.Credentials.AsNoTracking(), k => k.CredentialId, c => c.Id, (k, c) => new { Key = k, Credential = c })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Key.CreatedAt).ThenBy(r => r.Key.Id, StringComparer.Ordinal)
            .Select(r => View(r.Key, r.Credential)).ToList();
    }

    /// <summary>Disables or enables a key; a disabled key's next signed request is refused.</summary>
    public async Task<Outcome<AccessKeyView>> UpdateAsync(
        string projectId, string accessKeyId, UpdateAccessKeyRequest request, CancellationToken cancellationToken)
    {
        AccessKeyState? state = request.Status switch
        {
            "ENABLED" => AccessKeyState.Enabled,
            "DISABLED" => AccessKeyState.Disabled,
            _ => null,
        };
        if (state is null)
        {
            return request.Status is null
                ? Failure.Invalid(ErrorCodes.FieldRequired, "status", "status is required (ENABLED or DISABLED).")
                : Failure.Invalid(ErrorCodes.FieldFormat, "status",
                    $"status must be ENABLED or DISABLED (got '{request.Status}').");
        }

        var key = await Manageable(projectId).FirstOrDefaultAsync(k => k.Id == accessKeyId, cancellationToken);
        if (key is null)
        {
            return NotFound(accessKeyId);
        }

        key.State = state.Value;
        await db.SaveChangesAsync(cancellationToken);
        var credential = await db.Credentials.AsNoTracking().FirstAsync(c => c.Id == key.CredentialId, cancellationToken);
        return View(key, credential);
    }

    public async Task<Failure?> DeleteAsync(string projectId, string accessKeyId, CancellationToken cancellationToken)
    {
        var deleted = await Manageable(projectId).Where(k => k.Id == accessKeyId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? NotFound(accessKeyId) : null;
    }

    private Failure OnlyForItself() => new(FailureKind.Forbidden, ErrorCodes.OutsideEnterpriseProject,
        $"The token is confined to enterprise project {scope.EnterpriseProjectId}; it may create access keys " +
        "only for itself.", "credential");

    /// <summary>
    /// The keys the caller may see and manage: every key of the project for a caller that sees the
    /// whole project; only its own credential's keys for a confined one (others answer as missing).
    /// </summary>
    private IQueryable<AccessKey> Manageable(string projectId)
    {
        var keys = db.AccessKeys.Where(k => k.ProjectId == projectId);
        var caller = scope.Credential;
        return caller?.EnterpriseProjectId is null ? keys : keys.Where(k => k.CredentialId == caller.Id);
    }

    /// <summary>
    /// Checks a signed request: a well-formed Authorization header, an X-Sdk-Date within 15 minutes,
    /// an enabled key, and the signature its secret gives. The answer is the key's credential, whose
    /// project and role the caller then applies as for a token.
    /// </summary>
    public async Task<Outcome<ApiCredential>> AuthenticateAsync(
        SignedRequest request, string? authorization, CancellationToken cancellationToken)
    {
        var header = SignatureHeader.Parse(authorization);
        if (header is null)
        {
            return RequestSignature.Malformed;
        }

        var sdkDate = request.Headers.TryGetValue("x-sdk-date", out var dates) && dates.Count == 1 ? dates[0] : null;
        var now = time.GetUtcNow();
        if (RequestSignature.CheckDate(sdkDate, now) is { } dateFailure)
        {
            return dateFailure;
        }

        var key = await db.AccessKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == header.AccessKeyId, cancellationToken);
        var secret = key is { State: AccessKeyState.Enabled } ? secrets.Open(key.SealedSecret, key.Id) : null;
        if (key is { State: AccessKeyState.Enabled } && secret is null)
        {
            // Not the client's doing: this node's server key is not the one the secret was sealed with.
            Log.SecretNotOpened(logger, key.Id);
        }

        if (key is null || secret is null || !RequestSignature.Matches(request, header, sdkDate!, secret))
        {
            return RequestSignature.Mismatch;
        }

        var credential = await db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == key.CredentialId, cancellationToken);
        if (credential is null)
        {
            return RequestSignature.Mismatch;
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            await db.AccessKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(
                set => set.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return credential;
    }

    private async Task<Outcome<ApiCredential>> OwnerAsync(
        string projectId, string credential, CancellationToken cancellationToken)
    {
        var matches = await db.Credentials.AsNoTracking()
            .Where(c => c.ProjectId == projectId && (c.Id == credential || c.Name == credential))
            .ToListAsync(cancellationToken);
        var byId = matches.FirstOrDefault(c => c.Id == credential);
        if (byId is not null || matches.Count == 1)
        {
            return byId ?? matches[0];
        }

        return Failure.Invalid(ErrorCodes.UnknownReference, "credential", matches.Count == 0
            ? $"credential '{credential}' names no credential of this project (give its id or its name)."
            : $"credential '{credential}' is the name of {matches.Count} credentials; give the id of one.");
    }

    private static Failure NotFound(string accessKeyId) =>
        Failure.NotFound(ErrorCodes.AccessKeyNotFound, $"Access key {accessKeyId} does not exist in this project.");

    private static AccessKeyView View(AccessKey key, ApiCredential credential) => new(
        key.Id, key.Name, credential.Id, credential.Name, credential.Role, key.State, key.CreatedAt, key.LastUsedAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
            Message = "The secret of access key {AccessKeyId} does not open with this node's server key " +
                "(Deskpool:Security:SecretKey); its signed requests are refused")]
        public static partial void SecretNotOpened(ILogger logger, string accessKeyId);
    }
}
