using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Deskpool.Core.Broker;
using Deskpool.Core.Catalog;
using Deskpool.Core.Compute;
using Deskpool.Core.Events;
using Deskpool.Core.Jobs;
using Deskpool.Core.Mail;
using Deskpool.Core.Metering;
using Deskpool.Core.Naming;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Telemetry;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Users;
using Deskpool.Data.Postgres;
using Deskpool.Data.Sqlite;
using Deskpool.Drivers.Libvirt;
using Deskpool.Drivers.Simulated;
using Deskpool.Mail;
using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Server.Api;
using Deskpool.Server.Security;
using Deskpool.WebConsole;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Puts the server together: configuration, the core, a database provider, drivers and workers.</summary>
internal static class DeskpoolHosting
{
    /// <summary>Node names are stored with leases and price lists, in columns of 128 characters.</summary>
    private const int MaxNodeIdLength = 64;

    public static WebApplicationBuilder AddDeskpool(this WebApplicationBuilder builder)
    {
        // Everything below reads configuration lazily, through options, so that hosts and tests
        // can add configuration sources after this call.
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.Configure<DeskpoolOptions>(configuration.GetSection(DeskpoolOptions.Section));
        services.PostConfigure<DeskpoolOptions>(o =>
        {
            o.DataDirectory = Path.GetFullPath(o.DataDirectory);
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(o.DataDirectory);
            }
            else if (!Directory.Exists(o.DataDirectory))
            {
                // The database, the outbox's mails (activation links) and the server key live here:
                // a folder Deskpool makes is its owner's alone. A folder an operator made keeps its mode.
                Directory.CreateDirectory(o.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        });
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section))
            .Validate(o => new[] { o.SignInPerAddress, o.SignInPerUser, o.AdminApiPerCredential, o.FailedCredentialsPerAddress }
                    .All(limit => limit.PermitLimit <= 0 || limit.Window > TimeSpan.Zero),
                "Every Deskpool:Security rate limit with a PermitLimit above 0 needs a Window above zero.");
        services.AddSingleton(sp => ServerSecretKey.Load(
            sp.GetRequiredService<IOptions<SecurityOptions>>().Value,
            sp.GetRequiredService<IOptions<DeskpoolOptions>>().Value.DataDirectory));
        services.Configure<CatalogOptions>(configuration.GetSection(CatalogOptions.Section));
        services.Configure<TenancyOptions>(configuration.GetSection(TenancyOptions.Section));
        services.Configure<JobRunnerOptions>(configuration.GetSection(JobRunnerOptions.Section));
        services.Configure<PricingOptions>(configuration.GetSection(PricingOptions.Section));
        services.Configure<MeteringOptions>(configuration.GetSection(MeteringOptions.Section));
        services.Configure<SimulatedDriverOptions>(configuration.GetSection(SimulatedDriverOptions.Section));
        services.AddOptions<SimulatedDriverOptions>().PostConfigure<IOptions<DeskpoolOptions>>((o, deskpool) =>
            o.StatePath = Path.GetFullPath(o.StatePath ?? Path.Combine(deskpool.Value.DataDirectory, "simulated-hypervisor.db")));
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.Configure<SmtpOptions>(configuration.GetSection(SmtpOptions.Section));
        services.Configure<MailFolderOptions>(configuration.GetSection(MailFolderOptions.Section));
        services.AddOptions<MailFolderOptions>().PostConfigure<IOptions<DeskpoolOptions>>((o, deskpool) =>
            o.OutboxDirectory = Path.GetFullPath(
                o.OutboxDirectory ?? Path.Combine(deskpool.Value.DataDirectory, "outbox")));

        services.TryAddTimeProvider();
        services.AddSingleton(sp =>
        {
            var deskpool = sp.GetRequiredService<IOptions<DeskpoolOptions>>().Value;
            return new NodeIdentity(deskpool.NodeId ?? NodeIds.LoadOrCreate(deskpool.DataDirectory));
        });
        services.AddSingleton<Catalog>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<SimulatedComputeDriver>();
        services.AddSingleton<IComputeDriver>(sp => sp.GetRequiredService<SimulatedComputeDriver>());
        services.Configure<LibvirtDriverOptions>(configuration.GetSection(LibvirtDriverOptions.Section));
        if (configuration.GetSection(LibvirtDriverOptions.Section + ":Zones").GetChildren().Any())
        {
            // Only a node with libvirt zones loads libvirt.so.0, so other nodes need not install it.
            services.AddSingleton<LibvirtComputeDriver>();
            services.AddSingleton<IComputeDriver>(sp => sp.GetRequiredService<LibvirtComputeDriver>());
        }

        services.AddSingleton<ComputeDrivers>();
        services.AddSingleton<JobRunner>();
        services.AddKeyedSingleton<WorkSignal>(MailSender.SignalKey);
        services.AddSingleton<IMailTransport>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<SmtpOptions>>().Value.Host)
                ? ActivatorUtilities.CreateInstance<FolderMailTransport>(sp)
                : ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp));
        services.AddSingleton<MailSender>();

        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        // Pooled contexts: options are built once and a context is reset, not rebuilt, per scope;
        // a login storm opens several scopes per request. Each scope rents its context through
        // DeskpoolDbContext.Rent, which clears what a previous renter's scope left on it.
        services.AddPooledDbContextFactory<DeskpoolDbContext>((sp, options) =>
        {
            var deskpool = sp.GetRequiredService<IOptions<DeskpoolOptions>>().Value;
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            switch (database.Provider)
            {
                case DatabaseProvider.Postgres:
                    PostgresDatabase.Configure(options, database.ConnectionString ?? "");
                    break;
                default:
                    SqliteDatabase.Configure(options, Path.Combine(deskpool.DataDirectory, deskpool.DatabaseFile));
                    break;
            }

            // A refused save (a unique index or a version check saying "someone else was first") is
            // how Deskpool detects races, and the code that catches it decides what to say; EF Core
            // would log each one as an error with a stack trace.
            options.ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Information),
                (RelationalEventId.CommandError, LogLevel.Information)));
            options.AddInterceptors(sp.GetRequiredService<CommandTiming>(), sp.GetRequiredService<TraceParentStamp>());
        });
        services.AddScoped(sp => DeskpoolDbContext.Rent(sp.GetRequiredService<IDbContextFactory<DeskpoolDbContext>>()));
        services.AddScoped<PoolService>();
        services.AddScoped<NamingPolicyService>();
        services.AddScoped<JobQueries>();
        services.AddScoped<Outbox>();
        services.AddScoped<MailQueries>();
        services.AddScoped<ProjectService>();
        services.AddScoped<AccessScope>();
        services.AddScoped<Core.Audit.AuditNote>();
        services.AddScoped<Core.Audit.AuditTrail>();
        services.AddSingleton<Core.Audit.AuditWriter>();
        services.AddScoped<Bootstrap>();
        services.Configure<UserAccountOptions>(configuration.GetSection(UserAccountOptions.Section));
        services.PostConfigure<UserAccountOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.PublicUrl))
            {
                var first = (configuration["Urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                o.PublicUrl = first?.Replace("://+", "://localhost", StringComparison.Ordinal)
                    .Replace("://*", "://localhost", StringComparison.Ordinal) ?? "http://127.0.0.1:5080";
            }
        });
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<UserService>();
        services.AddScoped<UserGroupService>();
        services.AddScoped<PoolAuthorizationService>();
        services.AddScoped<LoginDetails>();
        services.AddScoped<IUserMail, UserMails>();
        services.AddScoped<Core.Users.Import.UserImportService>();

        services.AddHostedService<JobWorker>();
        services.AddHostedService<MailWorker>();
        services.AddScoped<PriceListRecorder>();
        services.AddScoped<MeterRollup>();
        services.AddScoped<CostReports>();

        services.AddHostedService<MeterWorker>();

        services.Configure<BrokerOptions>(configuration.GetSection(BrokerOptions.Section));
        services.AddSingleton<BrokerSignal>();
        services.AddSingleton<Broker>();
        services.AddSingleton<IIdleDesktopQuery>(sp =>
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? new PostgresIdleDesktopQuery()
                : new IdleDesktopQuery());
        services.AddScoped<SignInService>();
        services.AddScoped<Bindings>();
        services.AddScoped<Autoscaler>();
        services.AddScoped<RetentionTimers>();
        services.AddScoped<DesktopAgents>();
        services.AddKeyedSingleton<WorkSignal>(BrokerTimerWorker.SignalKey);
        services.AddHostedService<BrokerTimerWorker>();
        services.AddHostedService<ScalerWorker>();

        services.Configure<PoolEventOptions>(configuration.GetSection(PoolEventOptions.Section));
        services.AddScoped<PoolEvents>();
        services.AddKeyedSingleton<WorkSignal>(EventPruneWorker.SignalKey);
        services.AddHostedService<EventPruneWorker>();
        builder.AddDeskpoolObservability();

        services.AddDeskpoolApi();
        services.AddDeskpoolConsole();

        // The console's files (MudBlazor's among them) are found through the static web assets manifest
        // when the server runs from a build folder, in any environment, not only in Development.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>Checks the schema and seeds projects before the server takes requests.</summary>
    public static async Task<bool> PrepareAsync(this WebApplication app, bool migrate)
    {
        var node = app.Services.GetRequiredService<NodeIdentity>();
        if (node.Id.Length is 0 or > MaxNodeIdLength)
        {
            await Console.Error.WriteLineAsync(
                $"deskpool-server: Deskpool:NodeId must be 1 to {MaxNodeIdLength} characters " +
                "(it names this node in leases).");
            return false;
        }

        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            await Console.Error.WriteLineAsync(
                "deskpool-server: Deskpool:Database:Provider is Postgres but Deskpool:Database:ConnectionString " +
                "is empty; set it to an Npgsql connection string (Host=...;Database=...;Username=...).");
            return false;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var problem = await DatabaseStartup.CheckOrCreateAsync(db, migrate, CancellationToken.None);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync("deskpool-server: " + problem);
            return false;
        }

        await scope.ServiceProvider.GetRequiredService<Bootstrap>().RunAsync(CancellationToken.None);
        if (!migrate && await scope.ServiceProvider.GetRequiredService<PriceListRecorder>()
                .RecordConfiguredAsync(CancellationToken.None) is { } pricing)
        {
            await Console.Error.WriteLineAsync("deskpool-server: " + pricing);
            return false;
        }

        // Resolving these now turns a bad catalogue, a zone without a driver or a bad mail set-up into a
        // clear start-up error.
        _ = app.Services.GetRequiredService<ComputeDrivers>();
        _ = app.Services.GetRequiredService<IOptions<CatalogOptions>>();
        _ = app.Services.GetRequiredService<IMailTransport>();
        _ = app.Services.GetRequiredService<SecretBox>();
        return true;
    }
}

/// <summary>A node keeps its name across restarts, so it can resume the leases it held.</summary>
internal static class NodeIds
{
    public static string LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "node-id");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var id = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(64, Environment.MachineName.Length + 33)];
        File.WriteAllText(path, id);
        return id;
    }
}
