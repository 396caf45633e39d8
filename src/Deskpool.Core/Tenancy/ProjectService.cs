using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Tenancy;

/// <summary>Project-level facts and the first-use service authorisation.</summary>
public sealed class ProjectService(DeskpoolDbContext db, TimeProvider time, AccessScope scope)
{
    /// <summary>Longer tokens are refused unread.</summary>
    public const int MaxTokenLength = 40_000;

    /// <summary>The answer to a change asked for with a read-only token, in every door.</summary>
    public static readonly Failure ReadOnlyToken = Failure.Forbidden(ErrorCodes.ProjectMismatch,
        "The token is read-only; this operation needs an administrator token.");

    public async Task<Project> GetAsync(string projectId, CancellationToken cancellationToken) =>
        await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);

    /// <summary>Grants the service the use of images, networks and scaling; granting twice changes nothing.</summary>
    public async Task<Outcome<Project>> AuthorizeServiceAsync(string projectId, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var project = await db.Projects.FirstAsync(p => p.Id == projectId, cancellationToken);
        project.ServiceAuthorizedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return project;
    }


    /// <summary>Finds the credential a token belongs to, by the token's digest.</summary>
    public Task<ApiCredential?> FindCredentialAsync(string token, CancellationToken cancellationToken)
    {
        var digest = Tokens.Digest(token);
        return db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.TokenDigest == digest, cancellationToken);
    }

    /// <summary>
    /// Checks a token for a project, as every door signs a caller in: the token must exist and belong
    /// to that very project. A token of another project gets the same answer whether or not the
    /// project it names exists.
    /// </summary>
    public async Task<Outcome<ApiCredential>> CheckCredentialAsync(
        string? projectId, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return new Failure(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                "Incorrect IAM authentication information: x-auth-token not found.");
        }

        return Belongs(await FindCredentialAsync(token, cancellationToken), projectId);
    }

    /// <summary>
    /// Checks, before a change, that a signed-in session's credential (known by its id) still exists
    /// for the project and may change things: a token deleted or made read-only stops working at once.
    /// </summary>
    public async Task<Outcome<ApiCredential>> CheckAdministratorAsync(
        string projectId, string credentialId, CancellationToken cancellationToken)
    {
        var credential = Belongs(await FindCredentialByIdAsync(credentialId, cancellationToken), projectId);
        return credential.Succeeded && credential.Value.Role != CredentialRole.Administrator
            ? ReadOnlyToken
            : credential;
    }

    /// <summary>The answer for a credential found some way (a token, a signed request) asking about a project.</summary>
    public static Outcome<ApiCredential> Belongs(ApiCredential? credential, string? projectId)
    {
        if (credential is null)
        {
            return new Failure(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                "Incorrect IAM authentication information: the token is not valid.");
        }

        return string.Equals(credential.ProjectId, projectId, StringComparison.Ordinal)
            ? credential
            : Failure.Forbidden(ErrorCodes.ProjectMismatch, $"The token is not valid for project {projectId}.");
    }

    /// <summary>Finds a credential by its id (the console keeps the id, never the token).</summary>
    public Task<ApiCredential?> FindCredentialByIdAsync(string credentialId, CancellationToken cancellationToken) =>
        db.Credentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == credentialId, cancellationToken);
}
