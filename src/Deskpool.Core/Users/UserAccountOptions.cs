namespace Deskpool.Core.Users;

public sealed class UserAccountOptions
{
    public const string Section = "Deskpool:Users";

    /// <summary>How long an activation or password-reset link stays usable.</summary>
    public TimeSpan ActivationLinkLifetime { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// The address end users are sent to (the console and API as they reach it, e.g. behind a
    /// reverse proxy). Empty means the first address the server listens on (<c>Urls</c>).
    /// </summary>
    public string PublicUrl { get; set; } = "";
}

/// <summary>The mails the user use cases ask for; sending is durable and happens in the background.</summary>
public interface IUserMail
{
    /// <summary>Queues the activation (or reset) link; <paramref name="token"/> appears only in the link.</summary>
    Task QueueSetPasswordAsync(User user, string token, string purpose, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Queues the login details of a pool whose desktops are available to the user.</summary>
    Task QueueLoginDetailsAsync(User user, string poolId, string poolName, CancellationToken cancellationToken);
}
