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

    /// <summary>Pre-grants the first-use service authorisation (for unattended installs).</summary>
    public bool ServiceAuthorized { get; set; }

    public int? DesktopQuota { get; set; }

    public int? CoreQuota { get; set; }

    public int? MemoryQuotaGb { get; set; }
}
