using System.Runtime.CompilerServices;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Audit;

/// <summary>Filters of an audit listing; <see cref="Result"/> is <c>success</c> or <c>failure</c>.</summary>
public sealed record AuditQuery(
    DateTimeOffset? From, DateTimeOffset? To, string? ActorId, string? Action, string? Result, int Offset, int Limit);

/// <summary>
/// Records changes and reads them back. Recording only ever adds rows; nothing here (or anywhere in
/// the core) updates or deletes one, and the database refuses it too. A confined caller reads
/// entries about its own enterprise project and entries of its own doing, nothing else.
/// </summary>
public sealed class AuditTrail(DeskpoolDbContext db, AccessScope scope, AuditWriter writer)
{
    public const int UserAgentLength = 255;

    private const int ExportPageSize = 500;

    /// <summary>Adds an entry; it is committed (with others that arrived meanwhile) before this returns.</summary>
    public Task RecordAsync(AuditEvent entry, CancellationToken cancellationToken) =>
        writer.WriteAsync(entry, null, null, cancellationToken);

    /// <summary>A page of entries, newest first.</summary>
    public async Task<Outcome<(int Total, List<AuditEvent> Items)>> ListAsync(
        string projectId, AuditQuery query, CancellationToken cancellationToken)
    {
        if (Check(query) is { } failure)
        {
            return failure;
        }

        var events = Filtered(projectId, query);
        var total = await events.CountAsync(cancellationToken);
        var items = await events.OrderByDescending(e => e.Id)
            .Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return (total, items);
    }

    /// <summary>
    /// Every matching entry, oldest first, read a page at a time for export; the query is
    /// <see cref="Check"/>ed first.
    /// </summary>
    public async IAsyncEnumerable<AuditEvent> ExportAsync(
        string projectId, AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Filtered(projectId, query);

        // Keyset paging on the id: entries added meanwhile come at the end, none is read twice.
        var after = 0L;
        while (true)
        {
            var page = await events.Where(e => e.Id > after).OrderBy(e => e.Id)
                .Take(ExportPageSize).ToListAsync(cancellationToken);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    public static Failure? Check(AuditQuery query)
    {
        var rules = new Rules();
        rules.OneOf("result", query.Result, ["success", "failure"]);
        if (query.From is { } from && query.To is { } to && to < from)
        {
            rules.Fail(ErrorCodes.FieldOutOfRange, "to", "to must not be earlier than from.");
        }

        return rules.ToFailure();
    }

    private IQueryable<AuditEvent> Filtered(string projectId, AuditQuery query)
    {
        var events = db.AuditEvents.AsNoTracking().Where(e => e.ProjectId == projectId);
        if (scope.EnterpriseProjectId is { } confinedTo)
        {
            var self = scope.Credential!.Id;
            events = events.Where(e => e.EnterpriseProjectId == confinedTo
                || (e.ActorKind == AuditActorKind.Credential && e.ActorId == self));
        }

        if (query.From is { } since)
        {
            events = events.Where(e => e.At >= since);
        }

        if (query.To is { } until)
        {
            events = events.Where(e => e.At < until);
        }

        if (!string.IsNullOrEmpty(query.ActorId))
        {
            events = events.Where(e => e.ActorId == query.ActorId);
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            events = events.Where(e => e.Action == query.Action);
        }

        if (query.Result is { } result)
        {
            var succeeded = result == "success";
            events = events.Where(e => e.Succeeded == succeeded);
        }

        return events;
    }
}
