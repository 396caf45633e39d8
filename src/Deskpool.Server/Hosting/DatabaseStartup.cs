using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Deskpool.Server.Hosting;

/// <summary>
/// The schema policy: a new, empty database is created on first start; an existing database
/// is never changed silently. An older schema needs <c>deskpool-server migrate</c>; a newer
/// one (written by a later Deskpool) stops the server. The same on every provider. Nodes that
/// start together on an empty database are safe: migrating takes a database-wide lock, and the
/// node that gets it second finds nothing left to do.
/// </summary>
internal static class DatabaseStartup
{
    public static async Task<string?> CheckOrCreateAsync(DeskpoolDbContext db, bool migrate, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToList();

        // A database that does not exist yet (PostgreSQL) counts as empty: migrating creates it. In one
        // that exists, the (empty) history table is made first if it is missing: reading a missing
        // history table works, but the PostgreSQL provider logs the failed query as an error.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        var history = db.GetService<IHistoryRepository>();
        var exists = await creator.ExistsAsync(cancellationToken);
        if (exists)
        {
            await history.CreateIfNotExistsAsync(cancellationToken);
        }

        var applied = exists ? (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList() : [];
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

        if (!exists)
        {
            await creator.CreateAsync(cancellationToken);
            await history.CreateIfNotExistsAsync(cancellationToken);
        }

        await db.GetService<IMigrator>().MigrateAsync(cancellationToken: cancellationToken);
        return null;
    }
}
