namespace Deskpool.Core.Tenancy.AccessKeys;

public enum AccessKeyState
{
    Enabled,
    Disabled,
}

/// <summary>
/// An access key (AK) and its secret (SK) for signed requests. It belongs to an API credential and
/// acts with that credential's project and role. Verifying a signature needs the secret itself, so
/// it is kept encrypted (<see cref="SecretBox"/>), never in plain text, and shown only at creation.
/// </summary>
public sealed class AccessKey
{
    /// <summary>The access key id clients send as <c>Access=</c>.</summary>
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string CredentialId { get; init; }

    public required string Name { get; init; }

    /// <summary>The secret, sealed by <see cref="SecretBox"/> with the key id as associated data.</summary>
    public required string SealedSecret { get; init; }

    public AccessKeyState State { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The last accepted signed request, to the minute (updated at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
