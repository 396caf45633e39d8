namespace Deskpool.Core.Tenancy;

/// <summary>A tenant: the <c>project_id</c> of every API path. Nothing crosses its boundary.</summary>
public sealed class Project
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>How many desktops the project may hold at once (the <c>general_instances</c> quota).</summary>
    public int DesktopQuota { get; set; }

    /// <summary>How many vCPUs the project's desktops may have together (the <c>cores</c> quota).</summary>
    public int CoreQuota { get; set; }

    /// <summary>How much memory, in GB, the project's desktops may have together (the <c>Memory</c> quota).</summary>
    public int MemoryQuotaGb { get; set; }

    /// <summary>
    /// Set when an administrator grants Deskpool the use of images, networks and scaling on the
    /// tenant's behalf; purchases are refused until then.
    /// </summary>
    public DateTimeOffset? ServiceAuthorizedAt { get; set; }
}

/// <summary>What a credential may do inside its project.</summary>
public enum CredentialRole
{
    Administrator,
    ReadOnly,
}

/// <summary>An API token. Only its SHA-256 digest is stored; the token itself is shown once.</summary>
public sealed class ApiCredential
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string Name { get; init; }

    public required string TokenDigest { get; init; }

    public CredentialRole Role { get; init; }

    /// <summary>
    /// The one enterprise project the credential is confined to, or null for the whole project. A
    /// scoped credential sees and changes only pools and users of that enterprise project (and what
    /// hangs off its pools), and may read but not change project-wide settings.
    /// </summary>
    public string? EnterpriseProjectId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
