using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Tenancy;

/// <summary>Project-level facts and the first-use service authorisation.</summary>
public sealed class ProjectService(DeskpoolDbContext db, TimeProvider time)
{
    public async Task<Project> GetAsync(string projectId, CancellationToken cancellationToken) =>
        await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);

    /// <summary>Grants the service the use of images, networks and scaling; granting twice changes nothing.</summary>
    public async Task<Project> AuthorizeServiceAsync(string projectId, CancellationToken cancellationToken)
    {
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
}
