using System.Net.Sockets;
using Deskpool.Core.Mail;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Deskpool.Mail;

/// <summary>
/// Sends each mail through the configured SMTP relay on a connection of its own. Refusals are
/// classified for the sender: a 5xx answer to the recipient or the message is permanent (RFC 5321
/// says not to repeat it); everything else (4xx, no connection, TLS, sign-in) may pass and is retried.
/// </summary>
public sealed class SmtpMailTransport : IMailTransport
{
    private readonly SmtpOptions _options;
    private readonly string _host;
    private readonly MailboxAddress _from;

    public SmtpMailTransport(IOptions<SmtpOptions> smtp, IOptions<MailOptions> mail)
    {
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(mail);
        _options = smtp.Value;
        _host = string.IsNullOrWhiteSpace(_options.Host)
            ? throw new InvalidOperationException($"{SmtpOptions.Section}:Host is not set.")
            : _options.Host.Trim();

        _from = MimeMessages.ParseFrom(mail.Value.From);
    }

    public string Name => "smtp";

    private string Server => $"{_host}:{_options.EffectivePort}";

    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var message = MimeMessages.Create(mail, _from);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(
                _host, _options.EffectivePort, SocketOptions(_options.Security), cancellationToken);
            if (!string.IsNullOrEmpty(_options.Username))
            {
                await client.AuthenticateAsync(_options.Username, _options.Password ?? "", cancellationToken);
            }

            await client.SendAsync(MimeMessages.Format, message, cancellationToken);
        }
        catch (SmtpCommandException ex)
        {
            throw Refusal(ex);
        }
        catch (SocketException ex)
        {
            throw new MailTransportException(
                $"Could not connect to the SMTP server {Server}: {ex.Message}", permanent: false, ex);
        }
        catch (SslHandshakeException ex)
        {
            throw new MailTransportException(
                $"TLS with the SMTP server {Server} failed: {ex.Message}", permanent: false, ex);
        }
        catch (AuthenticationException ex)
        {
            throw new MailTransportException(
                $"The SMTP server {Server} did not accept the sign-in of '{_options.Username}': {ex.Message}",
                permanent: false,
                ex);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or MailKit.ServiceNotConnectedException
            or NotSupportedException)
        {
            throw new MailTransportException(
                $"The conversation with the SMTP server {Server} failed: {ex.Message}", permanent: false, ex);
        }

        await QuitAsync(client);
    }

    /// <summary>The server has accepted the mail; a failure to say goodbye must not make it count as unsent.</summary>
    private static async Task QuitAsync(SmtpClient client)
    {
        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception ex)
            when (ex is SmtpCommandException or SmtpProtocolException or IOException or SocketException)
        {
            // The connection is dropped with the client.
        }
    }

    private MailTransportException Refusal(SmtpCommandException ex)
    {
        var code = (int)ex.StatusCode;
        var what = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"the recipient {ex.Mailbox?.Address}",
            SmtpErrorCode.SenderNotAccepted => $"the sender {ex.Mailbox?.Address}",
            SmtpErrorCode.MessageNotAccepted => "the message",
            _ => "a command",
        };
        var permanent = code >= 500
            && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted;
        return new MailTransportException(
            $"The SMTP server {Server} refused {what}: {code} {ex.Message}", permanent, ex);
    }

    private static SecureSocketOptions SocketOptions(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.Ssl => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}
