namespace Deskpool.Core.Mail;

/// <summary>
/// Hands one mail to where it goes next: an SMTP relay, or a folder of .eml files. A transport
/// must send <see cref="OutgoingMail.MessageId"/> as the Message-Id header, so that the rare
/// second delivery after a crash can be recognised as the same mail.
/// </summary>
public interface IMailTransport
{
    /// <summary>A short name for logs, such as "smtp" or "folder".</summary>
    string Name { get; }

    /// <summary>
    /// Sends the mail or throws. A <see cref="MailTransportException"/> carries whether the refusal
    /// is permanent; any other exception counts as a temporary failure and is retried.
    /// </summary>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>A mail as a transport sees it: everything needed to write the MIME message.</summary>
public sealed record OutgoingMail(
    string Id,
    string MessageId,
    string To,
    string Subject,
    string TextBody,
    string? HtmlBody,
    DateTimeOffset Date);

/// <summary>A refusal by the transport, with a message safe to show an administrator.</summary>
public sealed class MailTransportException : Exception
{
    public MailTransportException()
    {
    }

    public MailTransportException(string message)
        : base(message)
    {
    }

    public MailTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailTransportException(string message, bool permanent, Exception? innerException = null)
        : base(message, innerException)
    {
        Permanent = permanent;
    }

    /// <summary>True when trying again cannot help (the server refused this recipient or message for good).</summary>
    public bool Permanent { get; }
}
