using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Broker;

/// <summary>
/// Keys for the agents inside desktops. An administrator issues a desktop's key (shown once; a
/// real driver would place it in the machine at creation); the agent presents it with every report.
/// </summary>
public sealed class DesktopAgents(DeskpoolDbContext db, TimeProvider time)
{
    /// <summary>Issues a new key for the desktop, replacing any earlier one.</summary>
    public async Task<Outcome<string>> IssueKeyAsync(string projectId, string desktopId, CancellationToken cancellationToken)
    {
        var desktop = await db.DesktopsInScope.AsNoTracking().FirstOrDefaultAsync(
            d => d.ProjectId == projectId && d.Id == desktopId && d.State != DesktopState.Deleted, cancellationToken);
        if (desktop is null)
        {
            return Failure.NotFound(ErrorCodes.DesktopNotFound, $"Desktop {desktopId} does not exist.");
        }

        var key = Tokens.NewToken();
        var existing = await db.DesktopAgentKeys.FirstOrDefaultAsync(k => k.DesktopId == desktopId, cancellationToken);
        if (existing is null)
        {
            db.DesktopAgentKeys.Add(new DesktopAgentKey
            {
                DesktopId = desktopId,
                ProjectId = projectId,
                KeyDigest = Tokens.Digest(key),
                CreatedAt = time.GetUtcNow(),
            });
        }
        else
        {
            existing.KeyDigest = Tokens.Digest(key);
            existing.CreatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>The desktop whose agent presents this key, or null.</summary>
    public async Task<Desktop?> AuthenticateAsync(string desktopId, string key, CancellationToken cancellationToken)
    {
        var digest = Tokens.Digest(key);
        var known = await db.DesktopAgentKeys.AsNoTracking()
            .AnyAsync(k => k.DesktopId == desktopId && k.KeyDigest == digest, cancellationToken);
        return known
            ? await db.Desktops.AsNoTracking().FirstOrDefaultAsync(
                d => d.Id == desktopId && d.State != DesktopState.Deleted, cancellationToken)
            : null;
    }
}
