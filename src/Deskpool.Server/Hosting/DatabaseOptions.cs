namespace Deskpool.Server.Hosting;

/// <summary>Which database the server keeps its state in.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Deskpool:Database";

    /// <summary>
    /// <see cref="DatabaseProvider.Sqlite"/> (a file in the data folder, one node) or
    /// <see cref="DatabaseProvider.Postgres"/> (a PostgreSQL database that several nodes can share).
    /// </summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// For PostgreSQL, an Npgsql connection string (required). For SQLite it is not used: the file
    /// is <see cref="DeskpoolOptions.DatabaseFile"/> in the data folder.
    /// </summary>
    public string? ConnectionString { get; set; }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
