namespace Deskpool.Core.Mail;

/// <summary>
/// One outgoing e-mail of a project. It is written by <see cref="Outbox"/> in the same transaction
/// as the change that causes it, and sent by <see cref="MailSender"/>, which claims it through a
/// lease. Its bodies are kept only while it is pending: once it is sent or given up on they are
/// erased, so the database does not keep activation links or other one-time content.
/// </summary>
public sealed class MailMessage
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    /// <summary>Names the logical mail (say, "activation of user X"); unique per project.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The Message-Id header (without angle brackets), the same on every attempt.</summary>
    public required string MessageId { get; init; }

    public required string To { get; init; }

    public required string Subject { get; init; }

    public string? TextBody { get; set; }

    public string? HtmlBody { get; set; }

    public MailStatus Status { get; set; }

    /// <summary>Attempts begun so far, including one interrupted by a crash.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a queued mail is due; null once it is sent or failed.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Why the last attempt did not succeed; kept after a later success as a trace.</summary>
    public string? LastError { get; set; }

    /// <summary>The node holding the lease while sending, and until when; an expired lease may be taken over.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? ClaimToken { get; set; }
}

public enum MailStatus
{
    /// <summary>Waiting for its next attempt (<see cref="MailMessage.NextAttemptAt"/>).</summary>
    Queued,

    /// <summary>Claimed by a node that is handing it to the transport.</summary>
    Sending,

    Sent,

    /// <summary>Refused for good, or given up on after the maximum number of attempts.</summary>
    Failed,
}
