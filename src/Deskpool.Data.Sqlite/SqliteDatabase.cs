using System.Data.Common;
using System.Runtime.CompilerServices;
using Deskpool.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Deskpool.Data.Sqlite;

/// <summary>Wires the core model to a SQLite file, with this assembly's migrations.</summary>
public static class SqliteDatabase
{
    public static void Configure(DbContextOptionsBuilder options, string path)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name))
            .AddInterceptors(new SqlitePragmas())
            .ReplaceService<IMigrationsSqlGenerator, AuditAwareSqliteMigrationsSqlGenerator>();
    }
}

/// <summary>
/// Write-ahead logging lets readers go on while one writer commits; NORMAL sync is durable
/// across application crashes in WAL mode (only an OS crash can lose the last commits).
/// A writer that finds the write lock taken waits inside SQLite (busy_timeout), which retries
/// within milliseconds; left to Microsoft.Data.Sqlite, it would sleep 150 ms between tries.
/// The settings belong to the native connection, which the connection pool keeps open across
/// many logical opens, so they are applied once per native connection, not once per query.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas =
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;";

    private readonly ConditionalWeakTable<object, object> _configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } native } || _configured.TryAdd(native, native);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DeskpoolDbContext>
{
    public DeskpoolDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DeskpoolDbContext>();
        SqliteDatabase.Configure(options, "design-time.db");
        return new DeskpoolDbContext(options.Options);
    }
}

/// <summary>
/// Creates the audit table's append-only triggers right after the table, whenever the schema is
/// made (migrations or <c>EnsureCreated</c>). Kept here rather than in a migration, so that
/// regenerating the migrations cannot drop them.
/// </summary>
internal sealed class AuditAwareSqliteMigrationsSqlGenerator(
    MigrationsSqlGeneratorDependencies dependencies, IRelationalAnnotationProvider annotations)
    : SqliteMigrationsSqlGenerator(dependencies, annotations)
{
    private const string AuditTable = Core.Audit.AuditEvent.Table;

    protected override void Generate(
        CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        base.Generate(operation, model, builder, terminate);
        if (operation.Name != AuditTable || !terminate)
        {
            return;
        }

        foreach (var change in new[] { "UPDATE", "DELETE" })
        {
            builder.AppendLine(
                    $"CREATE TRIGGER {AuditTable}_no_{change.ToLowerInvariant()} BEFORE {change} ON {AuditTable} " +
                    $"BEGIN SELECT RAISE(ABORT, '{AuditTable} is append-only: {change} is refused'); END")
                .EndCommand();
        }
    }
}
