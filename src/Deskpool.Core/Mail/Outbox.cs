using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Mail;

/// <summary>What <see cref="Outbox.EnqueueAsync"/> did: queued a new mail, or found the one its key names.</summary>
public sealed record QueuedMail(string Id, string MessageId, bool AlreadyQueued);

/// <summary>
/// Queues outgoing mails. A mail is added to the caller's <see cref="DeskpoolDbContext"/> and written
/// when the caller saves, in the caller's transaction: it is queued if and only if the change that
/// causes it is stored. <see cref="MailSender"/> sends it afterwards, with retries.
/// </summary>
public sealed class Outbox(
    DeskpoolDbContext db,
    TimeProvider time,
    IOptions<MailOptions> options,
    [FromKeyedServices(MailSender.SignalKey)] WorkSignal signal)
{
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxAddressLength = 254;
    public const int MaxSubjectLength = 255;
    public const int MaxBodyLength = 256 * 1024;

    private readonly Dictionary<(string ProjectId, string Key), MailMessage> _added = [];
    private bool _wakesSender;

    /// <summary>
    /// Adds a mail to the caller's unit of work; the caller saves. The idempotency key names the
    /// logical mail within the project (for example <c>activation:{userId}</c>): when a mail with
    /// that key already exists (in any state), nothing is added and the first mail is returned with
    /// <see cref="QueuedMail.AlreadyQueued"/> set. Two callers racing with the same key both add
    /// one, and the unique index makes the second save fail, so a mail is never queued twice.
    /// </summary>
    public async Task<Outcome<QueuedMail>> EnqueueAsync(
        string projectId, string idempotencyKey, MailContent content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentNullException.ThrowIfNull(content);
        if (Check(idempotencyKey, content) is { } invalid)
        {
            return invalid;
        }

        // Mails this unit of work added are found without scanning its change tracker, which may
        // hold thousands of desktops; one the caller has since detached no longer counts.
        if (_added.TryGetValue((projectId, idempotencyKey), out var added)
            && db.Entry(added).State != EntityState.Detached)
        {
            return new QueuedMail(added.Id, added.MessageId, AlreadyQueued: true);
        }

        var existing = await db.MailMessages.AsNoTracking().FirstOrDefaultAsync(
            m => m.ProjectId == projectId && m.IdempotencyKey == idempotencyKey, cancellationToken);
        if (existing is not null)
        {
            return new QueuedMail(existing.Id, existing.MessageId, AlreadyQueued: true);
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7().ToString();
        var mail = new MailMessage
        {
            Id = id,
            ProjectId = projectId,
            IdempotencyKey = idempotencyKey,
            MessageId = $"{id}@{MessageIdDomain(options.Value.From)}",
            To = content.To.Trim(),
            Subject = content.Subject,
            TextBody = content.TextBody,
            HtmlBody = content.HtmlBody,
            Status = MailStatus.Queued,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.MailMessages.Add(mail);
        _added[(projectId, idempotencyKey)] = mail;
        WakeSenderAfterSave();
        return new QueuedMail(mail.Id, mail.MessageId, AlreadyQueued: false);
    }

    private static Failure? Check(string idempotencyKey, MailContent content)
    {
        var rules = new Rules();
        if (rules.Required("idempotency_key", idempotencyKey))
        {
            rules.Length("idempotency_key", idempotencyKey, 1, MaxIdempotencyKeyLength);
        }

        if (rules.Required("to", content.To) && rules.Length("to", content.To.Trim(), 3, MaxAddressLength))
        {
            var to = content.To.Trim();
            if (!System.Net.Mail.MailAddress.TryCreate(to, out var address) || address.Address != to)
            {
                rules.Fail(ErrorCodes.FieldFormat, "to", $"to must be a single e-mail address (got '{to}').");
            }
        }

        if (rules.Required("subject", content.Subject) && rules.Length("subject", content.Subject, 1, MaxSubjectLength)
            && content.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            rules.Fail(ErrorCodes.FieldFormat, "subject", "subject must be a single line.");
        }

        if (rules.Required("text_body", content.TextBody))
        {
            rules.Length("text_body", content.TextBody, 1, MaxBodyLength);
        }

        rules.Length("html_body", content.HtmlBody, 0, MaxBodyLength);
        return rules.ToFailure();
    }

    /// <summary>
    /// Wakes this node's sender once the caller has saved. Inside a longer transaction the sender
    /// may look before the commit and miss the mail; it then finds it at its next poll.
    /// </summary>
    private void WakeSenderAfterSave()
    {
        if (_wakesSender)
        {
            return;
        }

        _wakesSender = true;
        db.SavedChanges += (_, _) => signal.Notify();
    }

    private static string MessageIdDomain(string from) =>
        System.Net.Mail.MailAddress.TryCreate(from, out var address) ? address.Host : "localhost";
}
