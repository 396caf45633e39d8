using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Broker;

/// <summary>
/// How the broker's writer picks idle desktops of a pool inside its transaction. The portable
/// query suits a database with one writer at a time (SQLite); a provider where several nodes write
/// at once supplies a query that locks the rows it returns and skips rows other nodes hold, so two
/// nodes assigning at the same moment pick different desktops instead of colliding.
/// </summary>
public interface IIdleDesktopQuery
{
    Task<List<Desktop>> TakeAsync(DeskpoolDbContext db, string poolId, int count, CancellationToken cancellationToken);
}

/// <summary>Running, unbound desktops of the pool, in id order.</summary>
public sealed class IdleDesktopQuery : IIdleDesktopQuery
{
    /// <summary>What idle means: running and bound to nobody.</summary>
    public static IQueryable<Desktop> Of(DeskpoolDbContext db, string poolId) =>
        db.Desktops.Where(d =>
            d.PoolId == poolId && d.State == DesktopState.Running && !db.Bindings.Any(b => b.DesktopId == d.Id));

    public Task<List<Desktop>> TakeAsync(DeskpoolDbContext db, string poolId, int count, CancellationToken cancellationToken) =>
        Of(db, poolId).OrderBy(d => d.Id).Take(count).ToListAsync(cancellationToken);
}
