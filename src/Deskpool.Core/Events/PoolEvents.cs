using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Events;

/// <summary>A filter over a pool's history; every part is optional.</summary>
public sealed record PoolEventQuery(
    int Offset, int Limit, string? DesktopId, string? Kind, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>A page of events, newest first, with how many match in all.</summary>
public sealed record PoolEventPage(int Total, List<PoolEvent> Events);

/// <summary>Records events with the change they describe, answers the history, and prunes it.</summary>
public sealed class PoolEvents(DeskpoolDbContext db, TimeProvider time, IOptions<PoolEventOptions> options)
{
    private const int DetailLength = 1000;

    /// <summary>
    /// Adds an event to the unit of work; it is saved by the caller's own save, so it exists exactly
    /// when the change it records does.
    /// </summary>
    public static void Add(
        DeskpoolDbContext db, Desktop desktop, string kind, DateTimeOffset at,
        string? userName = null, string? detail = null, string? jobId = null) =>
        Add(db, desktop.ProjectId, desktop.PoolId, desktop.Id, kind, at, userName, detail, jobId);

    public static void Add(
        DeskpoolDbContext db, string projectId, string poolId, string? desktopId, string kind, DateTimeOffset at,
        string? userName = null, string? detail = null, string? jobId = null) =>
        db.PoolEvents.Add(new PoolEvent
        {
            ProjectId = projectId,
            PoolId = poolId,
            DesktopId = desktopId,
            At = at,
            Kind = kind,
            UserName = userName,
            Detail = detail is { Length: > DetailLength } ? detail[..(DetailLength - 1)] + "…" : detail,
            JobId = jobId,
        });

    public async Task<Outcome<PoolEventPage>> ForPoolAsync(
        string projectId, string poolId, PoolEventQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Pools.IgnoreQueryFilters([QueryFilters.Live])
                .AnyAsync(p => p.ProjectId == projectId && p.Id == poolId, cancellationToken))
        {
            return Failure.NotFound(ErrorCodes.PoolNotFound, $"Desktop pool {poolId} does not exist in this project.");
        }

        var rules = new Rules();
        rules.OneOf("kind", query.Kind, [.. PoolEventKinds.All]);
        if (rules.ToFailure() is { } invalid)
        {
            return invalid;
        }

        var events = db.PoolEvents.AsNoTracking().Where(e => e.ProjectId == projectId && e.PoolId == poolId);
        if (query.DesktopId is { } desktopId)
        {
            events = events.Where(e => e.DesktopId == desktopId);
        }

        if (query.Kind is { } wanted)
        {
            events = events.Where(e => e.Kind == wanted);
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            events = events.Where(e => e.At < to);
        }

        return await PageAsync(events, query.Offset, query.Limit, cancellationToken);
    }

    public async Task<Outcome<PoolEventPage>> ForDesktopAsync(
        string projectId, string desktopId, int offset, int limit, CancellationToken cancellationToken)
    {
        if (!await db.DesktopsInScope.AnyAsync(d => d.ProjectId == projectId && d.Id == desktopId, cancellationToken))
        {
            return Failure.NotFound(ErrorCodes.DesktopNotFound, $"Desktop {desktopId} does not exist in this project.");
        }

        var events = db.PoolEvents.AsNoTracking().Where(e => e.ProjectId == projectId && e.DesktopId == desktopId);
        return await PageAsync(events, offset, limit, cancellationToken);
    }

    /// <summary>Deletes events older than the retention period; returns how many.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.Value.Retention;
        return db.PoolEvents.Where(e => e.At < before).ExecuteDeleteAsync(cancellationToken);
    }

    private static async Task<Outcome<PoolEventPage>> PageAsync(
        IQueryable<PoolEvent> events, int offset, int limit, CancellationToken cancellationToken)
    {
        var total = await events.CountAsync(cancellationToken);
        var page = await events.OrderByDescending(e => e.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return new PoolEventPage(total, page);
    }
}
