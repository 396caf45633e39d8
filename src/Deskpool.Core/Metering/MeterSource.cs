using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Metering;

/// <summary>
/// Feeds the <see cref="Meter"/> from the database: for each desktop in scope, the state it was in
/// when the range begins, and the changes inside the range, streamed in order and never held all
/// at once.
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

    /// <summary>
    /// Meters every desktop of <paramref name="scope"/> over [from, end) and hands each bill line on.
    /// <paramref name="read"/> says where the states at <paramref name="from"/> come from and how
    /// the changes are read; <paramref name="atEnd"/>, if given, learns where each desktop stands at
    /// <paramref name="end"/>.
    /// </summary>
    public async Task RunAsync(
        IQueryable<Desktop> scope,
        DateTimeOffset from,
        DateTimeOffset end,
        PriceBook prices,
        Action<UsageLine> emit,
        MeterRead read,
        CancellationToken cancellationToken,
        Action<string, DesktopState?, bool>? atEnd = null)
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
        var desktops = read.StatesFromCursors
            ? await StatesFromCursorsAsync(scope, cancellationToken)
            : await StatesFromHistoryAsync(scope, from, cancellationToken);
        var meter = new Meter(from.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), emit);
        atEnd ??= (_, _, _) => { };

        if (read.FewDesktops)
        {
            await RunByDesktopAsync(scope, from, end, desktops, rates, meter, atEnd, cancellationToken);
        }
        else
        {
            await RunByTimeAsync(from, end, desktops, rates, meter, atEnd, cancellationToken);
        }
    }

    /// <summary>
    /// For many desktops over a short range (a whole project's last hour, a roll-up round): one pass
    /// over the range's changes in time order, through the index on the instant, every desktop
    /// metered side by side.
    /// </summary>
    private async Task RunByTimeAsync(
        DateTimeOffset from,
        DateTimeOffset end,
        Dictionary<string, MeteredDesktop> desktops,
        Dictionary<string, PoolRates> rates,
        Meter meter,
        Action<string, DesktopState?, bool> atEnd,
        CancellationToken cancellationToken)
    {
        var meters = desktops.Values.ToDictionary(d => d.Id, d => meter.Start(d, rates[d.PoolId]), StringComparer.Ordinal);
        var changes = db.DesktopStateChanges
            .Where(h => h.At >= from && h.At < end)
            .OrderBy(h => h.At).ThenBy(h => h.Id)
            .Select(h => new { h.DesktopId, h.At, h.To });
        await foreach (var change in changes.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            // Changes of desktops outside the scope (other projects, prepaid pools) pass by.
            if (meters.TryGetValue(change.DesktopId, out var desktopMeter))
            {
                desktopMeter.Apply(new MeteredChange(change.At.ToUnixTimeMilliseconds(), change.To));
            }
        }

        foreach (var (id, desktopMeter) in meters)
        {
            var (state, hasRun) = desktopMeter.Finish();
            atEnd(id, state, hasRun);
        }
    }

    /// <summary>
    /// For a page of desktops over any range: each desktop's changes through the index on
    /// (desktop, instant), one desktop after the other.
    /// </summary>
    private async Task RunByDesktopAsync(
        IQueryable<Desktop> scope,
        DateTimeOffset from,
        DateTimeOffset end,
        Dictionary<string, MeteredDesktop> pending,
        Dictionary<string, PoolRates> rates,
        Meter meter,
        Action<string, DesktopState?, bool> atEnd,
        CancellationToken cancellationToken)
    {
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
            var (state, hasRun) = meter.Run(desktop, rates[desktop.PoolId], []);
            atEnd(desktop.Id, state, hasRun);
        }

        void RunOne(string? desktopId)
        {
            if (desktopId is not null && pending.Remove(desktopId, out var desktop))
            {
                var (state, hasRun) = meter.Run(desktop, rates[desktop.PoolId], buffer);
                atEnd(desktop.Id, state, hasRun);
            }

            buffer.Clear();
        }
    }

    /// <summary>Each desktop's state at <paramref name="from"/>: its last change before it, looked up one by one.</summary>
    private static Task<Dictionary<string, MeteredDesktop>> StatesFromHistoryAsync(
        IQueryable<Desktop> scope, DateTimeOffset from, CancellationToken cancellationToken) =>
        scope.Select(d => new MeteredDesktop(
                d.Id,
                d.PoolId,
                d.History.Where(h => h.At < from)
                    .OrderByDescending(h => h.At).ThenByDescending(h => h.Id)
                    .Select(h => (DesktopState?)h.To)
                    .FirstOrDefault(),
                d.History.Any(h => h.At < from && h.To == DesktopState.Running)))
            .ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, cancellationToken);

    /// <summary>Each desktop's state at the roll-ups' reach, as the roll-up that reached it wrote it down.</summary>
    private Task<Dictionary<string, MeteredDesktop>> StatesFromCursorsAsync(
        IQueryable<Desktop> scope, CancellationToken cancellationToken) =>
        scope.GroupJoin(db.MeterCursors, d => d.Id, c => c.DesktopId, (d, cursors) => new { d, cursors })
            .SelectMany(x => x.cursors.DefaultIfEmpty(), (x, c) => new MeteredDesktop(
                x.d.Id,
                x.d.PoolId,
                c == null ? null : c.State,
                c != null && c.HasRun))
            .ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, cancellationToken);
}

/// <summary>
/// How <see cref="MeterSource"/> reads. <c>StatesFromCursors</c>: the range starts exactly at the
/// roll-ups' reach, so the cursors written with them hold each desktop's state there.
/// <c>FewDesktops</c>: a page of desktops, whose changes are best read desktop by desktop.
/// </summary>
internal readonly record struct MeterRead(bool StatesFromCursors, bool FewDesktops);
