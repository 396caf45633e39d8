using Deskpool.Core.Catalog;
using Deskpool.Core.Compute;
using Deskpool.Core.Jobs;
using Deskpool.Core.Mail;
using Deskpool.Core.Metering;
using Deskpool.Core.Naming;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Users;
using Deskpool.Data.Sqlite;
using Deskpool.Drivers.Simulated;
using Deskpool.Mail;
using Deskpool.Server.Api;
using Deskpool.WebConsole;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Puts the server together: configuration, the core, a database provider, drivers and workers.</summary>
internal static class DeskpoolHosting
{
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
            Directory.CreateDirectory(o.DataDirectory);
        });
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
        services.AddSingleton<ComputeDrivers>();
        services.AddSingleton<JobRunner>();
        services.AddKeyedSingleton<WorkSignal>(MailSender.SignalKey);
        services.AddSingleton<IMailTransport>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<SmtpOptions>>().Value.Host)
                ? ActivatorUtilities.CreateInstance<FolderMailTransport>(sp)
                : ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp));
        services.AddSingleton<MailSender>();

        services.AddDbContext<DeskpoolDbContext>((sp, options) =>
        {
            var deskpool = sp.GetRequiredService<IOptions<DeskpoolOptions>>().Value;
            SqliteDatabase.Configure(options, Path.Combine(deskpool.DataDirectory, deskpool.DatabaseFile));
        });
        services.AddScoped<PoolService>();
        services.AddScoped<NamingPolicyService>();
        services.AddScoped<JobQueries>();
        services.AddScoped<Outbox>();
        services.AddScoped<MailQueries>();
        services.AddScoped<ProjectService>();
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

        services.AddHostedService<JobWorker>();
        services.AddHostedService<MeterWorker>();

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
