using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Metering;

/// <summary>
/// Feeds the <see cref="Meter"/> from the database: for each desktop in scope, the state it was in
/// when the range begins (its last change before it) and the changes inside the range, streamed in
/// order and never held all at once.
/// </summary>
internal sealed class MeterSource(DeskpoolDbContext db)
{
    /// <summary>Desktops of pay-per-use pools that existed at some moment of [from, end).</summary>
    public IQueryable<Desktop> InScope(IQueryable<Desktop> desktops, DateTimeOffset from, DateTimeOffset end)
    {
        var payPerUse = db.Pools.IgnoreQueryFilters()
            .Where(p => p.ChargingMode == ChargingModes.PayPerUse)
            .Select(p => p.Id);
        return desktops.Where(d => d.CreatedAt < end
            && !(d.State == DesktopState.Deleted && d.StateChangedAt < from)
            && payPerUse.Contains(d.PoolId));
    }

    /// <summary>Meters every desktop of <paramref name="scope"/> over [from, end) and hands each bill line on.</summary>
    public async Task RunAsync(
        IQueryable<Desktop> scope,
        DateTimeOffset from,
        DateTimeOffset end,
        PriceBook prices,
        Action<UsageLine> emit,
        CancellationToken cancellationToken)
    {
        if (end <= from)
        {
            return;
        }

        var poolIds = scope.Select(d => d.PoolId).Distinct();
        var rates = (await db.Pools.IgnoreQueryFilters().AsNoTracking()
                .Where(p => poolIds.Contains(p.Id))
                .ToListAsync(cancellationToken))
            .ToDictionary(p => p.Id, prices.RatesFor, StringComparer.Ordinal);

        var pending = await scope
            .Select(d => new MeteredDesktop(
                d.Id,
                d.PoolId,
                d.History.Where(h => h.At < from)
                    .OrderByDescending(h => h.At).ThenByDescending(h => h.Id)
                    .Select(h => (DesktopState?)h.To)
                    .FirstOrDefault(),
                d.History.Any(h => h.At < from && h.To == DesktopState.Running)))
            .ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, cancellationToken);

        var meter = new Meter(from.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), emit);
        var changes = db.DesktopStateChanges
            .Where(h => h.At >= from && h.At < end)
            .Join(scope, h => h.DesktopId, d => d.Id, (h, _) => h)
            .OrderBy(h => h.DesktopId).ThenBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new { h.DesktopId, h.At, h.To });
        var current = (string?)null;
        var buffer = new List<MeteredChange>();
        await foreach (var change in changes.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (!string.Equals(change.DesktopId, current, StringComparison.Ordinal))
            {
                RunOne(current);
                current = change.DesktopId;
            }

            buffer.Add(new MeteredChange(change.At.ToUnixTimeMilliseconds(), change.To));
        }

        RunOne(current);
        foreach (var desktop in pending.Values)
        {
            meter.Run(desktop, rates[desktop.PoolId], []);
        }

        void RunOne(string? desktopId)
        {
            if (desktopId is not null && pending.Remove(desktopId, out var desktop))
            {
                meter.Run(desktop, rates[desktop.PoolId], buffer);
            }

            buffer.Clear();
        }
    }
}
