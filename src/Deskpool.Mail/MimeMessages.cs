using Deskpool.Core.Mail;
using MimeKit;

namespace Deskpool.Mail;

/// <summary>Turns an outgoing mail into the MIME message every transport sends.</summary>
internal static class MimeMessages
{
    /// <summary>Lines end in CRLF, as on the wire, also in .eml files.</summary>
    public static FormatOptions Format { get; } = CreateFormat();

    public static MimeMessage Create(OutgoingMail mail, MailboxAddress from)
    {
        var message = new MimeMessage
        {
            MessageId = mail.MessageId,
            Date = mail.Date,
            Subject = mail.Subject,
        };

        // A new address per message: MimeKit lists subscribe to the addresses they hold.
        message.From.Add(new MailboxAddress(from.Name, from.Address));
        message.To.Add(MailboxAddress.Parse(mail.To));

        // Marks the mail as sent by a program, so that vacation responders do not answer it (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody();
        return message;
    }

    /// <summary>Reads the configured From address, or explains why it cannot be used.</summary>
    public static MailboxAddress ParseFrom(string? from)
    {
        if (!MailboxAddress.TryParse(from, out var address) || !address.Address.Contains('@', StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{MailOptions.Section}:From must be an e-mail address such as \"Deskpool <deskpool@example.com>\" " +
                $"(got '{from}').");
        }

        return address;
    }

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
