using System.Runtime.InteropServices;
using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Metering;

/// <summary>
/// Keeps the hourly roll-ups (<see cref="PoolHourCost"/>) up to date so that reports over long
/// ranges read a few rows per pool and hour instead of every state change. A roll-up is only a
/// cache of what <see cref="Meter"/> computes from the history: an hour is rolled up once it is
/// <see cref="MeteringOptions.Grace"/> old, and rolled up again if a change dated inside it
/// arrives later. Of several nodes racing to roll up the same hours only one commits, because
/// the progress row is advanced with an optimistic check in the same transaction.
/// </summary>
public sealed partial class MeterRollup(
    DeskpoolDbContext db,
    TimeProvider time,
    NodeIdentity node,
    IOptions<MeteringOptions> options,
    ILogger<MeterRollup> logger)
{
    private readonly MeteringOptions _options = options.Value;

    /// <summary>Rolls up the next closed hours, if any; returns how many hours it rolled up.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var progress = await LoadProgressAsync(cancellationToken);
        var lastChangeId = await db.DesktopStateChanges.MaxAsync(h => (long?)h.Id, cancellationToken) ?? 0;
        var start = await StartAsync(progress, cancellationToken);
        var closable = Meter.FloorHour((time.GetUtcNow() - _options.Grace).ToUnixTimeMilliseconds());
        if (start is not { } first || first >= closable)
        {
            return 0;
        }

        var until = Math.Min(closable, first + (Math.Max(1, _options.MaxHoursPerRound) * Meter.HourMs));
        var from = DateTimeOffset.FromUnixTimeMilliseconds(first);
        var to = DateTimeOffset.FromUnixTimeMilliseconds(until);
        var fromCursors = first == progress.MeteredUntil?.ToUnixTimeMilliseconds();
        var (rows, cursors) = await ComputeAsync(from, to, fromCursors, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var advanced = await db.MeterProgress
            .Where(p => p.Id == MeterProgress.SingletonId && p.Version == progress.Version)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.MeteredUntil, to)
                .SetProperty(p => p.LastChangeId, lastChangeId)
                .SetProperty(p => p.Version, p => p.Version + 1), cancellationToken);
        if (advanced == 0)
        {
            // Another node rolled these hours up first; its rows stand.
            return 0;
        }

        // Everything from the first recomputed hour on goes: rows past the new reach may be stale
        // (a clock that ran ahead) and are rebuilt by later rounds.
        await db.PoolHourCosts.Where(c => c.HourStart >= from).ExecuteDeleteAsync(cancellationToken);
        await db.MeterCursors.ExecuteDeleteAsync(cancellationToken);
        db.PoolHourCosts.AddRange(rows);
        db.MeterCursors.AddRange(cursors);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var hours = (int)((until - first) / Meter.HourMs);
        Log.RolledUp(logger, hours, from, to, node.Id);
        return hours;
    }

    /// <summary>
    /// The instant before which the roll-ups can be trusted: their reach, or the start of the hour
    /// of an earlier-dated change written after they were made. Null when nothing is rolled up.
    /// </summary>
    internal static async Task<Reach> ReachAsync(DeskpoolDbContext db, CancellationToken cancellationToken)
    {
        var progress = await db.MeterProgress.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Id == MeterProgress.SingletonId, cancellationToken);
        if (progress?.MeteredUntil is not { } metered)
        {
            return new Reach(null, progress?.Version ?? -1, false);
        }

        var until = metered.ToUnixTimeMilliseconds();
        return await LateChangeAsync(db, progress, cancellationToken) is { } late
            ? new Reach(Math.Min(Meter.FloorHour(late), until), progress.Version, false)
            : new Reach(until, progress.Version, true);
    }

    internal static async Task<long> VersionAsync(DeskpoolDbContext db, CancellationToken cancellationToken) =>
        await db.MeterProgress.AsNoTracking().Where(p => p.Id == MeterProgress.SingletonId)
            .Select(p => (long?)p.Version).FirstOrDefaultAsync(cancellationToken) ?? -1;

    /// <summary>The earliest instant of a change written after the roll-ups but dated before their reach, if any.</summary>
    private static async Task<long?> LateChangeAsync(DeskpoolDbContext db, MeterProgress progress, CancellationToken cancellationToken)
    {
        // Only the changes written since the last roll-up are read, in the order of their ids (the
        // primary key); a filter on the instant here would lead the database to the instant's
        // index and through the whole history instead.
        var until = progress.MeteredUntil!.Value.ToUnixTimeMilliseconds();
        var recent = db.DesktopStateChanges
            .Where(h => h.Id > progress.LastChangeId)
            .OrderBy(h => h.Id)
            .Select(h => h.At)
            .AsAsyncEnumerable();
        long? late = null;
        await foreach (var at in recent.WithCancellation(cancellationToken))
        {
            var instant = at.ToUnixTimeMilliseconds();
            if (instant < until && (late is null || instant < late))
            {
                late = instant;
            }
        }

        return late;
    }

    private async Task<long?> StartAsync(MeterProgress progress, CancellationToken cancellationToken)
    {
        if (progress.MeteredUntil is not { } until)
        {
            var first = await db.DesktopStateChanges.MinAsync(h => (DateTimeOffset?)h.At, cancellationToken);
            return first is { } f ? Meter.FloorHour(f.ToUnixTimeMilliseconds()) : null;
        }

        if (await LateChangeAsync(db, progress, cancellationToken) is { } late)
        {
            Log.LateChange(logger, DateTimeOffset.FromUnixTimeMilliseconds(late), until);
            return Math.Min(Meter.FloorHour(late), until.ToUnixTimeMilliseconds());
        }

        return until.ToUnixTimeMilliseconds();
    }

    private async Task<(List<PoolHourCost> Rows, List<MeterCursor> Cursors)> ComputeAsync(
        DateTimeOffset from, DateTimeOffset to, bool fromCursors, CancellationToken cancellationToken)
    {
        var prices = await PriceBook.LoadAsync(db, cancellationToken);
        var source = new MeterSource(db);
        var sums = new Dictionary<(string PoolId, long Hour), Tally>();
        var cursors = new List<MeterCursor>();
        await source.RunAsync(source.InScope(db.Desktops, from, to), from, to, prices, line =>
            {
                ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, (line.PoolId, line.HourStart), out _);
                tally.Add(line);
            },
            new MeterRead(StatesFromCursors: fromCursors, FewDesktops: false),
            cancellationToken,
            (desktopId, state, hasRun) =>
            {
                if (state is { } s && s != DesktopState.Deleted)
                {
                    cursors.Add(new MeterCursor { DesktopId = desktopId, State = s, HasRun = hasRun });
                }
            });

        var projects = await db.Pools.IgnoreQueryFilters().AsNoTracking()
            .Select(p => new { p.Id, p.ProjectId })
            .ToDictionaryAsync(p => p.Id, p => p.ProjectId, StringComparer.Ordinal, cancellationToken);
        var rows = sums.Select(s => new PoolHourCost
        {
            PoolId = s.Key.PoolId,
            ProjectId = projects[s.Key.PoolId],
            HourStart = DateTimeOffset.FromUnixTimeMilliseconds(s.Key.Hour),
            RunningSeconds = s.Value.RunningSeconds,
            DiskGbSeconds = s.Value.DiskGbSeconds,
            ComputeAmount = Money.FromMicros(s.Value.ComputeMicros),
            DiskAmount = Money.FromMicros(s.Value.DiskMicros),
        }).ToList();
        return (rows, cursors);
    }

    private async Task<MeterProgress> LoadProgressAsync(CancellationToken cancellationToken)
    {
        var progress = await db.MeterProgress.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Id == MeterProgress.SingletonId, cancellationToken);
        if (progress is not null)
        {
            return progress;
        }

        try
        {
            db.MeterProgress.Add(new MeterProgress());
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node created it at the same moment.
        }

        db.ChangeTracker.Clear();
        return await db.MeterProgress.AsNoTracking().FirstAsync(p => p.Id == MeterProgress.SingletonId, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Debug,
            Message = "Rolled up {Hours} hour(s) of usage, {From} to {To}, on node {Node}")]
        public static partial void RolledUp(ILogger logger, int hours, DateTimeOffset from, DateTimeOffset to, string node);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
            Message = "A state change dated {At} arrived after usage was rolled up to {Until}; " +
                "rolling those hours up again (are the nodes' clocks in step?)")]
        public static partial void LateChange(ILogger logger, DateTimeOffset at, DateTimeOffset until);
    }
}

/// <summary>
/// How far reports may trust the roll-ups (<see cref="Until"/>, Unix ms), the progress row's version
/// to check a read against, and whether the cursors describe the desktops exactly at <see cref="Until"/>.
/// </summary>
internal readonly record struct Reach(long? Until, long Version, bool CursorsAtUntil);

/// <summary>Running sums of bill lines; amounts in millionths of the currency.</summary>
internal struct Tally
{
    public long RunningSeconds;
    public long DiskGbSeconds;
    public long ComputeMicros;
    public long DiskMicros;

    public void Add(in UsageLine line)
    {
        RunningSeconds += line.RunningSeconds;
        DiskGbSeconds += line.DiskGbSeconds;
        ComputeMicros += line.ComputeMicros;
        DiskMicros += line.DiskMicros;
    }

    public void Add(in Tally other)
    {
        RunningSeconds += other.RunningSeconds;
        DiskGbSeconds += other.DiskGbSeconds;
        ComputeMicros += other.ComputeMicros;
        DiskMicros += other.DiskMicros;
    }
}

/// <summary>Amounts are exact decimals with six places; metering adds them as whole millionths.</summary>
public static class Money
{
    public const int Decimals = 6;

    /// <summary>Millionths as a decimal that always shows six places (1.500000, not 1.5).</summary>
    public static decimal FromMicros(long micros)
    {
        var magnitude = (ulong)Math.Abs(micros);
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, micros < 0, Decimals);
    }

    public static long ToMicros(decimal amount) => decimal.ToInt64(decimal.Round(amount * 1_000_000m));
}
