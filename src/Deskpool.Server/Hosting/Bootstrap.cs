using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>
/// Makes sure there is a project to work in. Projects and tokens fixed in configuration are
/// created or updated; with none configured, the very first start creates one project and an
/// administrator token, and prints the token once (only its digest is stored).
/// </summary>
internal sealed partial class Bootstrap(
    DeskpoolDbContext db,
    IOptions<TenancyOptions> options,
    TimeProvider time,
    ILogger<Bootstrap> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var tenancy = options.Value;
        foreach (var seeded in tenancy.Projects)
        {
            await SeedAsync(seeded, tenancy, cancellationToken);
        }

        if (tenancy.Projects.Count == 0 && !await db.Projects.AnyAsync(cancellationToken))
        {
            var token = Tokens.NewToken();
            var project = new SeededProject
            {
                Id = Guid.NewGuid().ToString("N"),
                Name = "default",
                AdminToken = token,
            };
            await SeedAsync(project, tenancy, cancellationToken);
            Console.WriteLine($"""

                ================================================================================
                 Deskpool created a project and an administrator token. The token is shown only
                 now; keep it (only its digest is stored).

                   project_id:   {project.Id}
                   X-Auth-Token: {token}

                   export DESKPOOL_PROJECT={project.Id}
                   export DESKPOOL_TOKEN={token}
                ================================================================================

                """);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SeedAsync(SeededProject seeded, TenancyOptions defaults, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(seeded.Id) || string.IsNullOrWhiteSpace(seeded.AdminToken))
        {
            throw new InvalidOperationException("Every configured project needs an Id and an AdminToken.");
        }

        var now = time.GetUtcNow();
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Id == seeded.Id, cancellationToken);
        if (project is null)
        {
            project = new Project
            {
                Id = seeded.Id,
                Name = string.IsNullOrEmpty(seeded.Name) ? seeded.Id : seeded.Name,
                CreatedAt = now,
                DesktopQuota = seeded.DesktopQuota ?? defaults.DefaultDesktopQuota,
                CoreQuota = seeded.CoreQuota ?? defaults.DefaultCoreQuota,
                MemoryQuotaGb = seeded.MemoryQuotaGb ?? defaults.DefaultMemoryQuotaGb,
            };
            db.Projects.Add(project);
            LogProjectCreated(logger, project.Id);
        }
        else
        {
            project.DesktopQuota = seeded.DesktopQuota ?? project.DesktopQuota;
            project.CoreQuota = seeded.CoreQuota ?? project.CoreQuota;
            project.MemoryQuotaGb = seeded.MemoryQuotaGb ?? project.MemoryQuotaGb;
        }

        if (seeded.ServiceAuthorized)
        {
            project.ServiceAuthorizedAt ??= now;
        }

        await AddTokenAsync(project.Id, "administrator", seeded.AdminToken, CredentialRole.Administrator, now, cancellationToken);
        if (!string.IsNullOrEmpty(seeded.ReadOnlyToken))
        {
            await AddTokenAsync(project.Id, "read-only", seeded.ReadOnlyToken, CredentialRole.ReadOnly, now, cancellationToken);
        }

        foreach (var token in seeded.Tokens)
        {
            if (string.IsNullOrWhiteSpace(token.Token))
            {
                throw new InvalidOperationException($"A configured token of project {project.Id} has no Token.");
            }

            await AddTokenAsync(project.Id, string.IsNullOrEmpty(token.Name) ? token.Role.ToString() : token.Name,
                token.Token, token.Role, now, cancellationToken, NullIfEmpty(token.EnterpriseProjectId));
        }
    }

    private async Task AddTokenAsync(
        string projectId,
        string name,
        string token,
        CredentialRole role,
        DateTimeOffset now,
        CancellationToken cancellationToken,
        string? enterpriseProjectId = null)
    {
        if (enterpriseProjectId is not null)
        {
            var rules = new Core.Validation.Rules();
            Core.Validation.CommonRules.EnterpriseProjectId(rules, "EnterpriseProjectId", enterpriseProjectId);
            if (rules.ToFailure() is { } invalid)
            {
                throw new InvalidOperationException($"Configured token '{name}' of project {projectId}: {invalid.Message}");
            }
        }

        var digest = Tokens.Digest(token);
        var existing = await db.Credentials.FirstOrDefaultAsync(c => c.TokenDigest == digest, cancellationToken);
        if (existing is not null)
        {
            if (existing.ProjectId != projectId)
            {
                throw new InvalidOperationException($"A configured token of project {projectId} already belongs to another project.");
            }

            return;
        }

        db.Credentials.Add(new ApiCredential
        {
            Id = Guid.CreateVersion7().ToString(),
            ProjectId = projectId,
            Name = name,
            TokenDigest = digest,
            Role = role,
            EnterpriseProjectId = enterpriseProjectId,
            CreatedAt = now,
        });
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Created project {ProjectId}")]
    private static partial void LogProjectCreated(ILogger logger, string projectId);
}
