using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace Deskpool.Data.Postgres;

/// <summary>Wires the core model to a PostgreSQL database, with this assembly's migrations.</summary>
public static class PostgresDatabase
{
    /// <summary>
    /// The collation of every text column. Byte order, as SQLite compares text: sorting, keys and
    /// equality behave the same on both providers and do not depend on the server's locale.
    /// </summary>
    public const string TextCollation = "C";

    /// <summary>Uses the PostgreSQL database named by an Npgsql connection string.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsAssembly(typeof(PostgresDatabase).Assembly.GetName().Name))
            .ReplaceService<IModelCustomizer, PostgresModelCustomizer>()
            .ReplaceService<IMigrationsSqlGenerator, AuditAwareNpgsqlMigrationsSqlGenerator>();
    }
}

/// <summary>Gives every text column the byte-order collation; the rest of the model is the core's, unchanged.</summary>
internal sealed class PostgresModelCustomizer(ModelCustomizerDependencies dependencies)
    : RelationalModelCustomizer(dependencies)
{
    public override void Customize(ModelBuilder modelBuilder, DbContext context)
    {
        base.Customize(modelBuilder, context);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetDeclaredProperties().Where(IsText))
            {
                property.SetCollation(PostgresDatabase.TextCollation);
            }
        }
    }

    /// <summary>Strings, and what is stored as a string: enums and JSON values.</summary>
    private static bool IsText(IMutableProperty property) =>
        (property.GetValueConverter()?.ProviderClrType ?? property.GetProviderClrType() ?? property.ClrType)
            == typeof(string);
}

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the server. Adding a
/// migration reads only the model, so no PostgreSQL server needs to be running.
/// </summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DeskpoolDbContext>
{
    public DeskpoolDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DeskpoolDbContext>();
        PostgresDatabase.Configure(options, "Host=127.0.0.1;Database=deskpool_design_time");
        return new DeskpoolDbContext(options.Options);
    }
}

/// <summary>
/// Creates the audit table's append-only trigger right after the table, whenever the schema is
/// made (migrations or <c>EnsureCreated</c>): UPDATE, DELETE and TRUNCATE raise an error. Kept here
/// rather than in a migration, so that regenerating the migrations cannot drop it.
/// </summary>
#pragma warning disable EF1001 // The provider's generator takes its options through an internal interface.
internal sealed class AuditAwareNpgsqlMigrationsSqlGenerator(
    MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions options)
    : NpgsqlMigrationsSqlGenerator(dependencies, options)
#pragma warning restore EF1001
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

        builder.AppendLine(
                $"CREATE OR REPLACE FUNCTION {AuditTable}_append_only() RETURNS trigger LANGUAGE plpgsql AS " +
                $"$$ BEGIN RAISE EXCEPTION '{AuditTable} is append-only: % is refused', TG_OP; END $$")
            .EndCommand();
        builder.AppendLine(
                $"CREATE TRIGGER {AuditTable}_no_change BEFORE UPDATE OR DELETE ON \"{AuditTable}\" " +
                $"FOR EACH ROW EXECUTE FUNCTION {AuditTable}_append_only()")
            .EndCommand();
        builder.AppendLine(
                $"CREATE TRIGGER {AuditTable}_no_truncate BEFORE TRUNCATE ON \"{AuditTable}\" " +
                $"FOR EACH STATEMENT EXECUTE FUNCTION {AuditTable}_append_only()")
            .EndCommand();
    }
}
