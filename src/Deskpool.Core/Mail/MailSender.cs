using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Mail;

/// <summary>
/// Sends queued mails through the configured transport. One call of <see cref="RunOnceAsync"/> is
/// one bounded round: put back mails whose sending was interrupted, claim due mails through the
/// database with a lease, send them one after another, and record each result.
/// </summary>
/// <remarks>
/// A mail is marked <see cref="MailStatus.Sending"/>, with a lease, before it is handed over, and
/// <see cref="MailStatus.Sent"/> right after; a sent mail is never sent again. The one window left
/// is a crash between the two: the server may have taken the mail without the database knowing.
/// Such a mail (still Sending when its lease runs out or its node restarts) is sent again, with
/// the same Message-Id, and the attempt is noted in its last error. A duplicate is rare and
/// recognisable; a lost activation mail would lock a user out.
/// </remarks>
public sealed partial class MailSender(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    TimeProvider time,
    NodeIdentity node,
    IOptions<MailOptions> options,
    ILogger<MailSender> logger)
{
    /// <summary>The key of the <see cref="WorkSignal"/> that wakes the sender when a mail is queued.</summary>
    public const string SignalKey = "mail";

    internal const string InterruptedError =
        "An attempt was interrupted before its result was recorded (the node stopped or lost its lease); " +
        "the mail may have reached the server and is sent again with the same Message-Id.";

    internal const string InterruptedGaveUpError =
        "The last attempt was interrupted before its result was recorded and no attempt is left; " +
        "the mail may or may not have reached the server.";

    private const int MaxErrorLength = 1000;

    private readonly MailOptions _options = options.Value;

    /// <summary>
    /// Ends the leases this node held before it restarted: whatever it was sending then was
    /// interrupted, and the next round handles it at once instead of after the lease runs out.
    /// </summary>
    public async Task RecoverOwnLeasesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var released = await db.MailMessages
            .Where(m => m.LeaseOwner == node.Id && m.Status == MailStatus.Sending)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        if (released > 0)
        {
            Log.ResumedOwnMail(logger, released, node.Id);
        }
    }

    /// <summary>Runs one round and returns how many mails it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await RequeueInterruptedAsync(cancellationToken);
        var claim = await ClaimAsync(cancellationToken);
        if (claim.Mails.Count == 0)
        {
            return 0;
        }

        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewLeaseAsync(claim.Token, renewal.Token);
        var started = 0;
        try
        {
            foreach (var mail in claim.Mails)
            {
                cancellationToken.ThrowIfCancellationRequested();
                started++;
                await SendOneAsync(mail, claim.Token, cancellationToken);
            }
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
            if (started < claim.Mails.Count)
            {
                // The round stopped early (shutdown, or the database failed): the mails it had not
                // begun go back as they were, so they do not count as interrupted attempts.
                await ReleaseAsync(claim.Token, claim.Mails.Skip(started).Select(m => m.Id).ToList());
            }
        }

        return claim.Mails.Count;
    }

    private async Task RequeueInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var now = time.GetUtcNow();
        var interrupted = db.MailMessages
            .Where(m => m.Status == MailStatus.Sending && (m.LeaseUntil == null || m.LeaseUntil < now));
        if (!await interrupted.AnyAsync(cancellationToken))
        {
            // The common case; a read does not take the database's write lock as an UPDATE would.
            return;
        }

        var failed = await interrupted
            .Where(m => m.Attempts >= _options.MaxAttempts)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MailStatus.Failed)
                .SetProperty(m => m.LastError, InterruptedGaveUpError)
                .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(m => m.TextBody, (string?)null)
                .SetProperty(m => m.HtmlBody, (string?)null)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimToken, (string?)null), cancellationToken);
        var requeued = await interrupted
            .Where(m => m.Attempts < _options.MaxAttempts)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MailStatus.Queued)
                .SetProperty(m => m.LastError, InterruptedError)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimToken, (string?)null), cancellationToken);
        if (failed + requeued > 0)
        {
            Log.Interrupted(logger, requeued, failed);
        }
    }

    private async Task<Claim> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var now = time.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");

        var candidates = await db.MailMessages
            .Where(m => m.Status == MailStatus.Queued && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(_options.BatchSize)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return new Claim(token, []);
        }

        // The conditions are checked again inside the UPDATE, so of two nodes racing for a mail only
        // one changes it (on PostgreSQL the second waits for the first to commit, then finds the row
        // no longer queued); each then reads back just the mails carrying its own token.
        var leaseUntil = now + _options.LeaseDuration;
        await db.MailMessages
            .Where(m => candidates.Contains(m.Id) && m.Status == MailStatus.Queued && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MailStatus.Sending)
                .SetProperty(m => m.LeaseOwner, node.Id)
                .SetProperty(m => m.LeaseUntil, leaseUntil)
                .SetProperty(m => m.ClaimToken, token)
                .SetProperty(m => m.LastAttemptAt, now)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);

        var claimed = await db.MailMessages.AsNoTracking()
            .Where(m => m.ClaimToken == token)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        return new Claim(token, claimed);
    }

    private async Task SendOneAsync(MailMessage claimed, string token, CancellationToken cancellationToken)
    {
        string? error = null;
        var permanent = false;
        try
        {
            await transport.SendAsync(Outgoing(claimed), cancellationToken);
        }
        catch (MailTransportException ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = ex.Message;
            permanent = ex.Permanent;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"{transport.Name}: {ex.Message}";
        }

        // Recorded even while shutting down: once a mail has left, the database must say so.
        await RecordAsync(claimed, token, error, permanent, CancellationToken.None);
    }

    private async Task RecordAsync(
        MailMessage claimed, string token, string? error, bool permanent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var mail = await db.MailMessages.FirstOrDefaultAsync(
            m => m.Id == claimed.Id && m.ClaimToken == token, cancellationToken);
        if (mail is null)
        {
            // Our lease ran out and another node took the mail over; its result stands.
            Log.LostLease(logger, claimed.Id);
            return;
        }

        var now = time.GetUtcNow();
        mail.LeaseUntil = null;
        mail.ClaimToken = null;
        if (error is null)
        {
            mail.Status = MailStatus.Sent;
            mail.SentAt = now;
            Finish(mail);
            Log.Sent(logger, mail.Id, mail.MessageId, transport.Name, mail.Attempts);
        }
        else if (permanent || mail.Attempts >= _options.MaxAttempts)
        {
            mail.Status = MailStatus.Failed;
            mail.LastError = Truncate(permanent ? error : $"{error} (gave up after {mail.Attempts} attempts)");
            Finish(mail);
            Log.GaveUp(logger, mail.Id, mail.Attempts, mail.LastError);
        }
        else
        {
            var delay = Backoff(_options, mail.Attempts);
            mail.Status = MailStatus.Queued;
            mail.NextAttemptAt = now + delay;
            mail.LastError = Truncate(error);
            Log.WillRetry(logger, mail.Id, mail.Attempts, delay, mail.LastError);
        }

        try
        {
            // The claim token is a concurrency token: if another node took the mail over in the
            // meantime, this save changes nothing.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            Log.LostLease(logger, claimed.Id);
        }
    }

    /// <summary>A sent or failed mail no longer needs its bodies; keeping them would only keep secrets.</summary>
    private static void Finish(MailMessage mail)
    {
        mail.NextAttemptAt = null;
        mail.TextBody = null;
        mail.HtmlBody = null;
    }

    private async Task ReleaseAsync(string token, List<string> ids)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        await db.MailMessages
            .Where(m => ids.Contains(m.Id) && m.ClaimToken == token && m.Status == MailStatus.Sending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, MailStatus.Queued)
                .SetProperty(m => m.Attempts, m => m.Attempts - 1)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.ClaimToken, (string?)null), CancellationToken.None);
    }

    private async Task RenewLeaseAsync(string token, CancellationToken cancellationToken)
    {
        var period = _options.LeaseDuration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(period, time, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
                var until = time.GetUtcNow() + _options.LeaseDuration;
                await db.MailMessages
                    .Where(m => m.ClaimToken == token && m.Status == MailStatus.Sending)
                    .ExecuteUpdateAsync(set => set.SetProperty(m => m.LeaseUntil, until), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The round is over.
        }
    }

    /// <summary>The wait after a failed attempt: the retry delay, doubled per earlier attempt, capped.</summary>
    internal static TimeSpan Backoff(MailOptions options, int attempts)
    {
        var delay = options.RetryDelay * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private static OutgoingMail Outgoing(MailMessage mail) =>
        new(mail.Id, mail.MessageId, mail.To, mail.Subject, mail.TextBody ?? "", mail.HtmlBody, mail.CreatedAt);

    private static string Truncate(string text) =>
        text.Length <= MaxErrorLength ? text : text[..(MaxErrorLength - 1)] + "…";

    private sealed record Claim(string Token, List<MailMessage> Mails);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
            Message = "Resumed {Count} mail(s) this node ({Node}) was sending before it restarted")]
        public static partial void ResumedOwnMail(ILogger logger, int count, string node);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
            Message = "Found mails whose sending was interrupted: {Requeued} will be sent again with the same " +
                "Message-Id, {Failed} had no attempt left and are marked failed")]
        public static partial void Interrupted(ILogger logger, int requeued, int failed);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Information,
            Message = "Mail {MailId} ({MessageId}) sent through {Transport} on attempt {Attempt}")]
        public static partial void Sent(ILogger logger, string mailId, string messageId, string transport, int attempt);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning,
            Message = "Mail {MailId} attempt {Attempt} failed; retrying in {Delay}: {Error}")]
        public static partial void WillRetry(ILogger logger, string mailId, int attempt, TimeSpan delay, string error);

        [LoggerMessage(EventId = 5005, Level = LogLevel.Warning,
            Message = "Mail {MailId} failed for good after {Attempts} attempt(s): {Error}")]
        public static partial void GaveUp(ILogger logger, string mailId, int attempts, string error);

        [LoggerMessage(EventId = 5006, Level = LogLevel.Information,
            Message = "Mail {MailId} was taken over by another node; dropping this node's result")]
        public static partial void LostLease(ILogger logger, string mailId);
    }
}
