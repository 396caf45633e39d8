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

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DeskpoolDbContext).Assembly);
}
