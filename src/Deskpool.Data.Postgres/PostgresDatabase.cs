using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

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
            .ReplaceService<IModelCustomizer, PostgresModelCustomizer>();
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
