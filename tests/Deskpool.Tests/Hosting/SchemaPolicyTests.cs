using System.Reflection;
using Deskpool.Core.Persistence;
using Deskpool.Server.Hosting;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Deskpool.Tests.Hosting;

/// <summary>
/// The schema policy, on whichever database the run uses: an empty database gets the schema on
/// first start, an older schema waits for <c>deskpool-server migrate</c>, a newer one stops the server.
/// </summary>
public sealed class SchemaPolicyTests
{
    private const string LaterMigration = "99991231235959_FromALaterRelease";

    [Fact]
    public async Task FirstStart_OnAnEmptyDatabase_CreatesTheWholeSchema()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        await using (var server = await TestServer.StartAsync(dataDirectory: dataDirectory))
        {
            var (response, _) = await server.Client.GetJsonAsync(Wire.Path("desktop-pools"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        await using var db = new DeskpoolDbContext(TestDatabase.OptionsFor(dataDirectory).Options);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task NewerSchema_StopsTheServer_AndMigrateRefusesToo()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        await using (var db = await CreatedAsync(dataDirectory))
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") " +
                $"VALUES ('{LaterMigration}', '99.0.0')");
        }

        var serve = await ServerProcess.RunAsync(dataDirectory, NoWorkers, "", TimeSpan.FromSeconds(60));
        var migrate = await ServerProcess.RunAsync(dataDirectory, NoWorkers, "migrate", TimeSpan.FromSeconds(60));

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("The database schema is newer than this server", serve.Output, StringComparison.Ordinal);
        Assert.Contains(LaterMigration, serve.Output, StringComparison.Ordinal);
        Assert.Equal(1, migrate.ExitCode);
        Assert.Contains("newer than this server", migrate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OlderSchema_IsRefused_UntilMigrateBringsItUpToDate()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        await using (var current = await CreatedAsync(dataDirectory))
        {
            Assert.Null(await DatabaseStartup.CheckOrCreateAsync(current, migrate: false, CancellationToken.None));
        }

        // The same database seen by a later release, which has one more migration.
        await using var later = LaterRelease(dataDirectory);
        var refused = await DatabaseStartup.CheckOrCreateAsync(later, migrate: false, CancellationToken.None);
        Assert.NotNull(refused);
        Assert.Contains("older than this server", refused, StringComparison.Ordinal);
        Assert.Contains(LaterMigration, refused, StringComparison.Ordinal);
        Assert.DoesNotContain(LaterMigration, await later.Database.GetAppliedMigrationsAsync());

        Assert.Null(await DatabaseStartup.CheckOrCreateAsync(later, migrate: true, CancellationToken.None));
        Assert.Contains(LaterMigration, await later.Database.GetAppliedMigrationsAsync());
        Assert.Null(await DatabaseStartup.CheckOrCreateAsync(later, migrate: false, CancellationToken.None));
    }

    [Fact]
    public async Task UpToDateSchema_Migrate_ChangesNothingAndSaysSo()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        await (await CreatedAsync(dataDirectory)).DisposeAsync();

        var migrate = await ServerProcess.RunAsync(dataDirectory, NoWorkers, "migrate", TimeSpan.FromSeconds(60));

        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("the database schema is up to date", migrate.Output, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Postgres_DatabaseThatDoesNotExistYet_IsCreatedOnFirstStart()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        var name = "deskpool_absent_" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>(NoWorkers)
        {
            ["Deskpool:Database:ConnectionString"] = TestDatabase.WithDatabase(name),
        };
        try
        {
            await using (var server = await ServerProcess.StartAsync(dataDirectory, settings))
            {
                var (response, _) = await server.Client.GetJsonAsync(Wire.Path("desktop-pools"));
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }
        }
        finally
        {
            TestDatabase.Administer($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    [PostgresFact]
    public async Task Postgres_NoConnectionString_StopsTheServerWithTheSettingToSet()
    {
        var settings = new Dictionary<string, string?>(NoWorkers) { ["Deskpool:Database:ConnectionString"] = "" };

        var serve = await ServerProcess.RunAsync(TestServer.NewDataDirectory(), settings, "", TimeSpan.FromSeconds(60));

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("Deskpool:Database:ConnectionString", serve.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> NoWorkers => new() { ["Deskpool:RunWorkers"] = "false" };

    private static async Task<DeskpoolDbContext> CreatedAsync(string dataDirectory)
    {
        var db = new DeskpoolDbContext(TestDatabase.OptionsFor(dataDirectory).Options);
        Assert.Null(await DatabaseStartup.CheckOrCreateAsync(db, migrate: false, CancellationToken.None));
        return db;
    }

    private static DeskpoolDbContext LaterRelease(string dataDirectory) => new(TestDatabase.OptionsFor(dataDirectory)
        .ReplaceService<IMigrationsAssembly, LaterReleaseMigrations>().Options);

    /// <summary>This release's migrations and one more, as a later release would carry them.</summary>
    private sealed class LaterReleaseMigrations : IMigrationsAssembly
    {
        private readonly IMigrationsAssembly _current;

        public LaterReleaseMigrations(
            ICurrentDbContext context,
            IDbContextOptions options,
            IMigrationsIdGenerator ids,
            IDiagnosticsLogger<DbLoggerCategory.Migrations> logger)
        {
            // EF Core's own implementation, used as it is; there is no public way to extend it.
#pragma warning disable EF1001
            _current = new Microsoft.EntityFrameworkCore.Migrations.Internal.MigrationsAssembly(
                context, options, ids, logger);
#pragma warning restore EF1001
            Migrations = new SortedDictionary<string, TypeInfo>(
                _current.Migrations.ToDictionary(m => m.Key, m => m.Value), StringComparer.Ordinal)
            {
                [LaterMigration] = typeof(AddNothing).GetTypeInfo(),
            };
        }

        public IReadOnlyDictionary<string, TypeInfo> Migrations { get; }

        public ModelSnapshot? ModelSnapshot => _current.ModelSnapshot;

        public Assembly Assembly => _current.Assembly;

        public string? FindMigrationId(string nameOrId) =>
            Migrations.Keys.FirstOrDefault(id =>
                id == nameOrId || id.EndsWith("_" + nameOrId, StringComparison.Ordinal));

        public Migration CreateMigration(TypeInfo migrationClass, string activeProvider) =>
            migrationClass.AsType() == typeof(AddNothing)
                ? new AddNothing { ActiveProvider = activeProvider }
                : _current.CreateMigration(migrationClass, activeProvider);
    }

    /// <summary>A later release's migration: changes nothing, so both releases' models agree.</summary>
    [Migration(LaterMigration)]
    private sealed class AddNothing : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }
    }
}
