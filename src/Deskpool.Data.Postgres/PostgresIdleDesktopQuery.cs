using Deskpool.Core.Broker;
using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Data.Postgres;

/// <summary>
/// Idle desktops taken with <c>FOR UPDATE SKIP LOCKED</c>: the rows stay locked until the
/// assigning transaction ends, and another node's writer passes over them to the next free ones.
/// </summary>
public sealed class PostgresIdleDesktopQuery : IIdleDesktopQuery
{
    public Task<List<Desktop>> TakeAsync(DeskpoolDbContext db, string poolId, int count, CancellationToken cancellationToken)
    {
        var running = nameof(DesktopState.Running);
        return db.Desktops.FromSqlInterpolated($"""
                SELECT d.* FROM desktops d
                WHERE d."PoolId" = {poolId} AND d."State" = {running}
                  AND NOT EXISTS (SELECT 1 FROM bindings b WHERE b."DesktopId" = d."Id")
                ORDER BY d."Id"
                LIMIT {count}
                FOR UPDATE OF d SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
    }
}
