using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Deskpool.Server.Hosting;

/// <summary>
/// The schema policy: a new, empty database is created on first start; an existing database
/// is never changed silently. An older schema needs <c>deskpool-server migrate</c>; a newer
/// one (written by a later Deskpool) stops the server.
/// </summary>
internal static class DatabaseStartup
{
    public static async Task<string?> CheckOrCreateAsync(DeskpoolDbContext db, bool migrate, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var unknown = applied.Except(known).ToList();
        if (unknown.Count > 0)
        {
            return $"The database schema is newer than this server (it has {string.Join(", ", unknown)}). " +
                "Run a Deskpool release at least as new as the one that wrote it.";
        }

        var pending = known.Except(applied).ToList();
        if (pending.Count == 0)
        {
            return null;
        }

        if (applied.Count > 0 && !migrate)
        {
            return $"The database schema is older than this server ({pending.Count} migration(s) pending: " +
                $"{string.Join(", ", pending)}). Back it up, then run: deskpool-server migrate";
        }

        await db.GetService<IMigrator>().MigrateAsync(cancellationToken: cancellationToken);
        return null;
    }
}
