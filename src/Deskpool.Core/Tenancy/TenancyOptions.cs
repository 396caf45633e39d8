namespace Deskpool.Core.Tenancy;

/// <summary>
/// Projects and administrator tokens fixed by configuration, for automated set-ups. When none is
/// configured and the database holds no project, the first start creates one and prints its token.
/// </summary>
public sealed class TenancyOptions
{
    public const string Section = "Deskpool:Tenancy";

    public List<SeededProject> Projects { get; init; } = [];

    public int DefaultDesktopQuota { get; set; } = 2000;

    public int DefaultCoreQuota { get; set; } = 16_000;

    public int DefaultMemoryQuotaGb { get; set; } = 64_000;
}

public sealed class SeededProject
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string AdminToken { get; set; } = "";

    public string? ReadOnlyToken { get; set; }

    /// <summary>Further tokens, each with its own role and, optionally, an enterprise project it is confined to.</summary>
    public List<SeededToken> Tokens { get; init; } = [];

    /// <summary>Pre-grants the first-use service authorisation (for unattended installs).</summary>
    public bool ServiceAuthorized { get; set; }

    public int? DesktopQuota { get; set; }

    public int? CoreQuota { get; set; }

    public int? MemoryQuotaGb { get; set; }
}

/// <summary>A token fixed by configuration. Its name shows in the audit trail; the token itself never does.</summary>
public sealed class SeededToken
{
    public string Name { get; set; } = "";

    public string Token { get; set; } = "";

    public CredentialRole Role { get; set; } = CredentialRole.Administrator;

    /// <summary>The enterprise project the token is confined to; empty for the whole project.</summary>
    public string? EnterpriseProjectId { get; set; }
}
