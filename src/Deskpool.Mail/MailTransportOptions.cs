namespace Deskpool.Mail;

/// <summary>The SMTP relay to send through; with no <see cref="Host"/>, mails go to the outbox folder.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Deskpool:Mail:Smtp";

    public string? Host { get; set; }

    /// <summary>By default 465 with <see cref="SmtpSecurity.Ssl"/>, 587 with STARTTLS, 25 without TLS.</summary>
    public int? Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Signs in when set; otherwise the relay must accept mail from this host without credentials.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one SMTP command may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.Ssl => 465,
        SmtpSecurity.None => 25,
        _ => 587,
    };
}

public enum SmtpSecurity
{
    /// <summary>Plain SMTP, even if the server offers STARTTLS (a relay on the same host or network).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Ssl,
}

/// <summary>Where the folder transport writes its .eml files.</summary>
public sealed class MailFolderOptions
{
    public const string Section = "Deskpool:Mail";

    /// <summary>By default <c>outbox</c> in the data folder.</summary>
    public string? OutboxDirectory { get; set; }
}
