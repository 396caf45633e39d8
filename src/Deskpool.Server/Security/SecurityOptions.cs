namespace Deskpool.Server.Security;

/// <summary>The <c>Deskpool:Security</c> section: the server's secret key and the abuse limits.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Deskpool:Security";

    /// <summary>
    /// The AES-256 key (32 bytes, base64) that seals access-key secrets. Without it, a key is made
    /// once and kept in <c>secret.key</c> in the data folder; nodes sharing a database need the same key.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>End-user sign-in, password change and activation, per client address.</summary>
    public RateLimit SignInPerAddress { get; set; } = new() { PermitLimit = 100_000, Window = TimeSpan.FromMinutes(1) };

    /// <summary>End-user sign-in and password change, per project and user name.</summary>
    public RateLimit SignInPerUser { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The administrator API, per credential (token or access key; per address without either).</summary>
    public RateLimit AdminApiPerCredential { get; set; } = new() { PermitLimit = 20_000, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Administrator requests refused for their credential (none, unknown, bad signature), per client
    /// address: past the limit they are answered 429, and they stop adding to the audit trail.
    /// </summary>
    public RateLimit FailedCredentialsPerAddress { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>At most <see cref="PermitLimit"/> requests in each fixed window; a limit of 0 turns it off.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
