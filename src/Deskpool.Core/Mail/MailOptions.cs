namespace Deskpool.Core.Mail;

/// <summary>How mails are addressed and how the sender retries. Transports have their own settings.</summary>
public sealed class MailOptions
{
    public const string Section = "Deskpool:Mail";

    /// <summary>The From address of every mail; its domain also names the Message-Id.</summary>
    public string From { get; set; } = "Deskpool <deskpool@localhost>";

    /// <summary>Mails claimed per round; they are sent one after another.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts before a mail that keeps failing is marked failed for good.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; it doubles after each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claim holds before another node may take the mail over; renewed while sending.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle sender looks for due mails it was not woken for (retries, other nodes').</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
