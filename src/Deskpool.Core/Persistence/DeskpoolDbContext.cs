using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Mail;
using Deskpool.Core.Metering;
using Deskpool.Core.Naming;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Persistence;

/// <summary>
/// The provider-neutral model. Nothing here is specific to SQLite or PostgreSQL: instants are
/// stored as UTC Unix milliseconds, enums as text, small value lists as JSON text, and every
/// uniqueness promise is a unique index the database enforces.
/// </summary>
public sealed class DeskpoolDbContext(DbContextOptions<DeskpoolDbContext> options) : DbContext(options)
{
    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ApiCredential> Credentials => Set<ApiCredential>();

    public DbSet<Tenancy.AccessKeys.AccessKey> AccessKeys => Set<Tenancy.AccessKeys.AccessKey>();

    public DbSet<Pool> Pools => Set<Pool>();

    public DbSet<Desktop> Desktops => Set<Desktop>();

    public DbSet<DesktopStateChange> DesktopStateChanges => Set<DesktopStateChange>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<SubJob> SubJobs => Set<SubJob>();

    public DbSet<NamingPolicy> NamingPolicies => Set<NamingPolicy>();

    public DbSet<NameSequence> NameSequences => Set<NameSequence>();

    public DbSet<MailMessage> MailMessages => Set<MailMessage>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ActivationToken> ActivationTokens => Set<ActivationToken>();

    public DbSet<UserGroup> UserGroups => Set<UserGroup>();

    public DbSet<GroupMembership> GroupMemberships => Set<GroupMembership>();

    public DbSet<PoolAuthorization> PoolAuthorizations => Set<PoolAuthorization>();

    public DbSet<Users.Import.UserImport> UserImports => Set<Users.Import.UserImport>();

    public DbSet<PriceList> PriceLists => Set<PriceList>();

    public DbSet<Price> Prices => Set<Price>();

    public DbSet<PoolHourCost> PoolHourCosts => Set<PoolHourCost>();

    public DbSet<MeterProgress> MeterProgress => Set<MeterProgress>();

    public DbSet<MeterCursor> MeterCursors => Set<MeterCursor>();

    public DbSet<Broker.Binding> Bindings => Set<Broker.Binding>();

    public DbSet<Broker.EndUserSession> EndUserSessions => Set<Broker.EndUserSession>();

    public DbSet<Broker.DesktopAgentKey> DesktopAgentKeys => Set<Broker.DesktopAgentKey>();

    public DbSet<Broker.PoolScaling> PoolScalings => Set<Broker.PoolScaling>();

    public DbSet<Broker.ScalingDecision> ScalingDecisions => Set<Broker.ScalingDecision>();

    public DbSet<Events.PoolEvent> PoolEvents => Set<Events.PoolEvent>();

    public DbSet<Audit.AuditEvent> AuditEvents => Set<Audit.AuditEvent>();

    /// <summary>
    /// The enterprise project a confined credential may see, or null for everything. Set only by
    /// <see cref="AccessScope"/>; the <see cref="QueryFilters.EnterpriseProject"/> filters read it, so every
    /// query of this context about pools, users and what hangs off pools keeps to it.
    /// </summary>
    public string? EnterpriseProjectScope { get; internal set; }

    /// <summary>
    /// A context from the pool for one service scope, seeing the whole project until a door admits
    /// a confined credential. Pooled contexts are reused and EF Core resets only its own state, so a
    /// confinement left by the previous renter is cleared here, never inherited by the next work.
    /// </summary>
    public static DeskpoolDbContext Rent(IDbContextFactory<DeskpoolDbContext> pool)
    {
        var db = pool.CreateDbContext();
        db.EnterpriseProjectScope = null;
        return db;
    }

    /// <summary>
    /// Desktops of pools (deleted ones included) in <see cref="EnterpriseProjectScope"/>. Desktops carry
    /// no filter of their own, so that the broker's locking queries stay as written; reads for a
    /// confined caller that reach desktops without their pool go through here. The scope is compared
    /// here, not left to the pools' filter: ignoring filters anywhere in a query ignores them in all of it.
    /// </summary>
    public IQueryable<Desktop> DesktopsInScope => EnterpriseProjectScope is null
        ? Desktops
        : Desktops.Where(d => Pools.IgnoreQueryFilters()
            .Any(p => p.Id == d.PoolId && p.EnterpriseProjectId == EnterpriseProjectScope));

    /// <summary>Hourly pool costs of pools in <see cref="EnterpriseProjectScope"/>, as <see cref="DesktopsInScope"/>.</summary>
    public IQueryable<PoolHourCost> PoolHourCostsInScope => EnterpriseProjectScope is null
        ? PoolHourCosts
        : PoolHourCosts.Where(c => Pools.IgnoreQueryFilters()
            .Any(p => p.Id == c.PoolId && p.EnterpriseProjectId == EnterpriseProjectScope));

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DeskpoolDbContext).Assembly);

        // The filters read this context's scope, so EF Core passes it as a parameter per query.
        // Jobs, decisions and events follow their pool; a pool outside the scope hides them too.
        modelBuilder.Entity<Pool>().HasQueryFilter(QueryFilters.EnterpriseProject,
            p => EnterpriseProjectScope == null || p.EnterpriseProjectId == EnterpriseProjectScope);
        modelBuilder.Entity<User>().HasQueryFilter(QueryFilters.EnterpriseProject,
            u => EnterpriseProjectScope == null || u.EnterpriseProjectId == EnterpriseProjectScope);
        modelBuilder.Entity<Job>().HasQueryFilter(QueryFilters.EnterpriseProject,
            j => EnterpriseProjectScope == null || Pools.Any(p => p.Id == j.PoolId));
        modelBuilder.Entity<SubJob>().HasQueryFilter(QueryFilters.EnterpriseProject,
            s => EnterpriseProjectScope == null || Jobs.Any(j => j.Id == s.JobId));
        modelBuilder.Entity<Broker.ScalingDecision>().HasQueryFilter(QueryFilters.EnterpriseProject,
            d => EnterpriseProjectScope == null || Pools.Any(p => p.Id == d.PoolId));
        modelBuilder.Entity<Events.PoolEvent>().HasQueryFilter(QueryFilters.EnterpriseProject,
            e => EnterpriseProjectScope == null || Pools.Any(p => p.Id == e.PoolId));
        modelBuilder.Entity<PoolAuthorization>().HasQueryFilter(QueryFilters.EnterpriseProject,
            a => EnterpriseProjectScope == null || Pools.Any(p => p.Id == a.PoolId));
    }
}

/// <summary>The names of the model's query filters, for the few queries that must look past one of them.</summary>
public static class QueryFilters
{
    /// <summary>Hides deleted pools.</summary>
    public const string Live = "live";

    /// <summary>Keeps a confined credential to its enterprise project.</summary>
    public const string EnterpriseProject = "enterprise-project";
}
