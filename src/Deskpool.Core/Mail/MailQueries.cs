using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Mail;

public sealed record MailQuery(string? Status, int Offset, int Limit);

/// <summary>A mail as an administrator may see it: where it stands, never what it says.</summary>
public sealed record MailSummary(
    string Id,
    string IdempotencyKey,
    string MessageId,
    string To,
    string Subject,
    MailStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? SentAt);

/// <summary>Reads a project's mails for the administrator, newest first, so that a failed send is visible.</summary>
public sealed class MailQueries(DeskpoolDbContext db)
{
    public static readonly IReadOnlyList<string> Statuses = ["QUEUED", "SENDING", "SENT", "FAILED"];

    public async Task<Outcome<(int Total, List<MailSummary> Items)>> ListAsync(
        string projectId, MailQuery query, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.OneOf("status", query.Status, Statuses.ToList());
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var mails = db.MailMessages.AsNoTracking().Where(m => m.ProjectId == projectId);
        if (db.EnterpriseProjectScope is not null)
        {
            // A confined caller reads only mail to users it can see (the users' filter applies here).
            mails = mails.Where(m => db.Users.Any(u => u.ProjectId == projectId && u.Email == m.To));
        }

        if (query.Status is not null)
        {
            var status = Enum.Parse<MailStatus>(query.Status, ignoreCase: true);
            mails = mails.Where(m => m.Status == status);
        }

        var total = await mails.CountAsync(cancellationToken);
        var items = await mails
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip(query.Offset).Take(query.Limit)
            .Select(m => new MailSummary(
                m.Id, m.IdempotencyKey, m.MessageId, m.To, m.Subject, m.Status, m.Attempts, m.LastError,
                m.CreatedAt, m.NextAttemptAt, m.LastAttemptAt, m.SentAt))
            .ToListAsync(cancellationToken);
        return (total, items);
    }
}
