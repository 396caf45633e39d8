using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Metering;

/// <summary>
/// The usage and cost use case. Closed hours come from the hourly roll-ups, the rest (the hours
/// since, or a desktop-by-desktop view) straight from the state history through the same
/// <see cref="Meter"/>, so both give the same lines. Every figure is a sum of whole bill lines, so
/// the groups of any grouping add up exactly to the same total.
/// </summary>
public sealed class CostReports(DeskpoolDbContext db, TimeProvider time)
{
    private const long DayMs = 86_400_000;
    private const int ExportPageSize = 500;
    private const int ConsistentReadAttempts = 3;

    public async Task<Outcome<CostReport>> GetAsync(string projectId, CostQuery query, CancellationToken cancellationToken)
    {
        var report = await PrepareAsync(projectId, query, cancellationToken);
        if (!report.Succeeded)
        {
            return report.Failure;
        }

        var context = report.Value;
        var poolHours = await PoolHoursAsync(context, cancellationToken);
        var (totalCount, groups) = context.Query.GroupBy == CostGroupings.Desktop
            ? await DesktopGroupsAsync(context, context.Query.Offset, context.Query.Limit, cancellationToken)
            : PoolGroups(context, poolHours, context.Query.Offset, context.Query.Limit);

        var overall = new Dictionary<long, Tally>();
        var total = default(Tally);
        foreach (var (key, tally) in poolHours)
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(overall, context.Bucket(key.Hour), out _);
            bucket.Add(tally);
            total.Add(tally);
        }

        return new CostReport(context.Currency, context.Query.From, context.Query.To, context.End,
            context.Query.Granularity, context.Query.GroupBy, totalCount, CostFigures.From(total),
            context.Periods(overall), groups);
    }

    /// <summary>Every recorded price list, newest first.</summary>
    public Task<List<PriceList>> PriceListsAsync(CancellationToken cancellationToken) =>
        db.PriceLists.AsNoTracking().Include(l => l.Prices).OrderByDescending(l => l.Revision)
            .ToListAsync(cancellationToken);

    /// <summary>Every group of the report, for CSV export; desktops are metered a page at a time.</summary>
    public async Task<Outcome<CostExport>> ExportAsync(string projectId, CostQuery query, CancellationToken cancellationToken)
    {
        var report = await PrepareAsync(projectId, query with { Offset = 0, Limit = CostRules.MaxLimit }, cancellationToken);
        if (!report.Succeeded)
        {
            return report.Failure;
        }

        var context = report.Value;
        return new CostExport(context.Currency, context.Query.From, context.Query.To, context.End,
            context.Query.Granularity, context.Query.GroupBy, GroupsAsync(context, cancellationToken));
    }

    private async IAsyncEnumerable<CostGroup> GroupsAsync(
        ReportContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (context.Query.GroupBy != CostGroupings.Desktop)
        {
            var poolHours = await PoolHoursAsync(context, cancellationToken);
            foreach (var group in PoolGroups(context, poolHours, 0, int.MaxValue).Groups)
            {
                yield return group;
            }

            yield break;
        }

        for (var offset = 0; ; offset += ExportPageSize)
        {
            var (total, page) = await DesktopGroupsAsync(context, offset, ExportPageSize, cancellationToken);
            foreach (var group in page)
            {
                yield return group;
            }

            if (offset + ExportPageSize >= total)
            {
                yield break;
            }
        }
    }

    private async Task<Outcome<ReportContext>> PrepareAsync(
        string projectId, CostQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var checkedQuery = CostRules.Check(query, now);
        if (!checkedQuery.Succeeded)
        {
            return checkedQuery.Failure;
        }

        var q = checkedQuery.Value;
        var end = now < q.To ? now : q.To;
        end = end < q.From ? q.From : end;
        var prices = await PriceBook.LoadAsync(db, cancellationToken);
        var pools = await db.Pools.IgnoreQueryFilters([QueryFilters.Live]).AsNoTracking()
            .Where(p => p.ProjectId == projectId)
            .ToDictionaryAsync(p => p.Id, StringComparer.Ordinal, cancellationToken);
        return new ReportContext(projectId, q, end, prices, pools);
    }

    /// <summary>
    /// Sums per pool and hour: roll-ups below their reach, metered history above it. The reach is
    /// read before and after; if a roll-up committed in between, the read is done again.
    /// </summary>
    private async Task<Dictionary<(string PoolId, long Hour), Tally>> PoolHoursAsync(
        ReportContext context, CancellationToken cancellationToken)
    {
        var from = context.Query.From.ToUnixTimeMilliseconds();
        var end = context.End.ToUnixTimeMilliseconds();
        for (var attempt = 0; ; attempt++)
        {
            var reach = attempt < ConsistentReadAttempts
                ? await MeterRollup.ReachAsync(db, cancellationToken)
                : new Reach(null, 0, false);
            var rolledTo = Math.Clamp(reach.Until ?? from, from, Math.Max(from, Meter.FloorHour(end)));
            var sums = new Dictionary<(string, long), Tally>();
            if (rolledTo > from)
            {
                var rolledFrom = context.Query.From;
                var rolledUntil = DateTimeOffset.FromUnixTimeMilliseconds(rolledTo);
                var rows = db.PoolHourCostsInScope.AsNoTracking()
                    .Where(c => c.ProjectId == context.ProjectId && c.HourStart >= rolledFrom && c.HourStart < rolledUntil)
                    .AsAsyncEnumerable();
                await foreach (var row in rows.WithCancellation(cancellationToken))
                {
                    ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(
                        sums, (row.PoolId, row.HourStart.ToUnixTimeMilliseconds()), out _);
                    tally.RunningSeconds += row.RunningSeconds;
                    tally.DiskGbSeconds += row.DiskGbSeconds;
                    tally.ComputeMicros += Money.ToMicros(row.ComputeAmount);
                    tally.DiskMicros += Money.ToMicros(row.DiskAmount);
                }
            }

            var source = new MeterSource(db);
            var liveFrom = DateTimeOffset.FromUnixTimeMilliseconds(rolledTo);
            var scope = source.InScope(
                db.DesktopsInScope.Where(d => d.ProjectId == context.ProjectId), liveFrom, context.End);
            var read = new MeterRead(StatesFromCursors: reach.CursorsAtUntil && rolledTo == reach.Until, FewDesktops: false);
            await source.RunAsync(scope, liveFrom, context.End, context.Prices, line =>
            {
                ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (line.PoolId, line.HourStart), out _);
                tally.Add(line);
            }, read, cancellationToken);

            if (attempt >= ConsistentReadAttempts || await MeterRollup.VersionAsync(db, cancellationToken) == reach.Version)
            {
                return sums;
            }
        }
    }

    private static (int TotalCount, List<CostGroup> Groups) PoolGroups(
        ReportContext context, Dictionary<(string PoolId, long Hour), Tally> poolHours, int offset, int limit)
    {
        var groups = new Dictionary<string, Dictionary<long, Tally>>(StringComparer.Ordinal);
        foreach (var (key, tally) in poolHours)
        {
            var groupKey = context.Query.GroupBy switch
            {
                CostGroupings.Pool => key.PoolId,
                CostGroupings.EnterpriseProject => context.Pool(key.PoolId).EnterpriseProjectId,
                _ => context.ProjectId,
            };
            if (!groups.TryGetValue(groupKey, out var buckets))
            {
                groups[groupKey] = buckets = [];
            }

            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, context.Bucket(key.Hour), out _);
            bucket.Add(tally);
        }

        var ordered = context.Query.GroupBy switch
        {
            CostGroupings.Pool => groups.OrderBy(g => context.Pool(g.Key).Name, StringComparer.Ordinal)
                .ThenBy(g => g.Key, StringComparer.Ordinal),
            _ => groups.OrderBy(g => g.Key, StringComparer.Ordinal),
        };
        var page = ordered.Skip(offset).Take(limit).Select(g =>
        {
            var pool = context.Query.GroupBy == CostGroupings.Pool ? context.Pool(g.Key) : null;
            var enterpriseProject = context.Query.GroupBy switch
            {
                CostGroupings.Pool => pool!.EnterpriseProjectId,
                CostGroupings.EnterpriseProject => g.Key,
                _ => null,
            };
            return context.Group(g.Value, enterpriseProject, pool, null, null);
        }).ToList();
        return (groups.Count, page);
    }

    private async Task<(int TotalCount, List<CostGroup> Groups)> DesktopGroupsAsync(
        ReportContext context, int offset, int limit, CancellationToken cancellationToken)
    {
        var source = new MeterSource(db);
        var scope = source.InScope(
            db.DesktopsInScope.Where(d => d.ProjectId == context.ProjectId), context.Query.From, context.End);
        var total = await scope.CountAsync(cancellationToken);
        var page = await scope.OrderBy(d => d.ComputerName).ThenBy(d => d.Id)
            .Skip(offset).Take(limit)
            .Select(d => new { d.Id, d.ComputerName, d.PoolId })
            .ToListAsync(cancellationToken);
        var ids = page.Select(d => d.Id).ToList();

        var sums = new Dictionary<string, Dictionary<long, Tally>>(StringComparer.Ordinal);
        await source.RunAsync(scope.Where(d => ids.Contains(d.Id)), context.Query.From, context.End, context.Prices,
            line =>
            {
                if (!sums.TryGetValue(line.DesktopId, out var buckets))
                {
                    sums[line.DesktopId] = buckets = [];
                }

                ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, context.Bucket(line.HourStart), out _);
                bucket.Add(line);
            }, new MeterRead(StatesFromCursors: false, FewDesktops: true), cancellationToken);

        var groups = page.Select(d =>
        {
            var pool = context.Pool(d.PoolId);
            return context.Group(sums.GetValueOrDefault(d.Id) ?? [], pool.EnterpriseProjectId, pool, d.Id, d.ComputerName);
        }).ToList();
        return (total, groups);
    }

    private sealed record ReportContext(
        string ProjectId,
        CheckedCostQuery Query,
        DateTimeOffset End,
        PriceBook Prices,
        Dictionary<string, Pool> Pools)
    {
        public string Currency => Prices.Currency;

        public Pool Pool(string poolId) => Pools[poolId];

        public long Bucket(long hour) => Query.Granularity == Granularities.Hourly ? hour : hour - (hour % DayMs);

        public List<CostPeriod> Periods(Dictionary<long, Tally> buckets)
        {
            var size = Query.Granularity == Granularities.Hourly ? Meter.HourMs : DayMs;
            return buckets.OrderBy(b => b.Key).Select(b =>
            {
                var start = DateTimeOffset.FromUnixTimeMilliseconds(b.Key);
                var end = DateTimeOffset.FromUnixTimeMilliseconds(b.Key + size);
                return new CostPeriod(start < Query.From ? Query.From : start, end > Query.To ? Query.To : end,
                    CostFigures.From(b.Value));
            }).ToList();
        }

        public CostGroup Group(
            Dictionary<long, Tally> buckets, string? enterpriseProject, Pool? pool, string? desktopId, string? computerName)
        {
            var total = default(Tally);
            foreach (var tally in buckets.Values)
            {
                total.Add(tally);
            }

            return new CostGroup(ProjectId, enterpriseProject, pool?.Id, pool?.Name, desktopId, computerName,
                CostFigures.From(total), Periods(buckets));
        }
    }
}
