using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Deskpool.Core.Persistence;
using Deskpool.Data.Postgres;
using Deskpool.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Deskpool.Tests.Support;

/// <summary>
/// Which database the test servers use. Without <see cref="Variable"/> they use SQLite, a file in
/// each server's data folder. With it (a base Npgsql connection string: host, port, user), each data
/// folder gets its own, new PostgreSQL database, so a server restarted on the same folder finds its
/// data again, and servers started on one folder share one database as nodes do. The databases are
/// dropped when the test run ends (see <see cref="DropAll"/>).
/// </summary>
public static class TestDatabase
{
    public const string Variable = "DESKPOOL_TEST_POSTGRES";

    /// <summary>Set to 1 to leave the databases at the end (scripts/test.sh throws its whole server away).</summary>
    public const string KeepVariable = "DESKPOOL_TEST_POSTGRES_KEEP";

    private const string Prefix = "deskpool_test_";

    private static readonly string? BaseConnection =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    private static readonly ConcurrentDictionary<string, Lazy<string>> Created = new(StringComparer.Ordinal);

    static TestDatabase()
    {
        if (BaseConnection is not null && Environment.GetEnvironmentVariable(KeepVariable) != "1")
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropAll();
        }
    }

    /// <summary>Whether this run uses PostgreSQL.</summary>
    public static bool IsPostgres => BaseConnection is not null;

    /// <summary>The provider's name, for messages.</summary>
    public static string Provider => IsPostgres ? "Postgres" : "Sqlite";

    /// <summary>The settings that point a server with this data folder at its database (none for SQLite).</summary>
    public static IEnumerable<KeyValuePair<string, string?>> SettingsFor(string dataDirectory)
    {
        if (BaseConnection is null)
        {
            yield break;
        }

        yield return new("Deskpool:Database:Provider", "Postgres");
        yield return new("Deskpool:Database:ConnectionString", ConnectionStringFor(dataDirectory));
    }

    /// <summary>The connection string of the data folder's database, which is created on first use.</summary>
    public static string ConnectionStringFor(string dataDirectory)
    {
        var name = Created.GetOrAdd(Path.GetFullPath(dataDirectory),
            path => new Lazy<string>(() => Create(NameFor(path)))).Value;
        return WithDatabase(name);
    }

    /// <summary>The connection string of a database the test names (not created here).</summary>
    public static string WithDatabase(string database) => new NpgsqlConnectionStringBuilder(Require())
    {
        Database = database,
    }.ConnectionString;

    /// <summary>Options for a context on the data folder's database, as the server would open it.</summary>
    public static DbContextOptionsBuilder<DeskpoolDbContext> OptionsFor(string dataDirectory)
    {
        var options = new DbContextOptionsBuilder<DeskpoolDbContext>();
        if (BaseConnection is null)
        {
            SqliteDatabase.Configure(options, Path.Combine(dataDirectory, "deskpool.db"));
        }
        else
        {
            PostgresDatabase.Configure(options, ConnectionStringFor(dataDirectory));
        }

        return options;
    }

    /// <summary>Closes this process's idle connections to the data folder's database (a stopped server's).</summary>
    public static void Release(string dataDirectory)
    {
        if (BaseConnection is not null && Created.TryGetValue(Path.GetFullPath(dataDirectory), out var name)
            && name.IsValueCreated)
        {
            using var connection = new NpgsqlConnection(WithDatabase(name.Value));
            NpgsqlConnection.ClearPool(connection);
        }
    }

    /// <summary>Drops the data folder's database at once, connections and all, as if the server had vanished.</summary>
    public static void Drop(string dataDirectory) =>
        Administer($"DROP DATABASE IF EXISTS {NameFor(Path.GetFullPath(dataDirectory))} WITH (FORCE)");

    /// <summary>A database name no other data folder uses.</summary>
    public static string NameFor(string dataDirectory) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..24];

    /// <summary>Runs one statement in the maintenance database (CREATE DATABASE, DROP DATABASE and the like).</summary>
    public static void Administer(string sql)
    {
        using var connection = new NpgsqlConnection(WithDatabase("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static string Create(string name)
    {
        Administer($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        Administer($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>
    /// Drops this run's databases, all at once (each drop waits for a checkpoint, which concurrent drops
    /// share), for as long as the test host lets the process live. It is best effort: scripts/test.sh
    /// throws its whole server away anyway; on a server of your own, leftovers are named deskpool_test_*.
    /// </summary>
    private static void DropAll()
    {
        NpgsqlConnection.ClearAllPools();
        var drops = Created.Values.Where(d => d.IsValueCreated)
            .Select(d => Task.Run(() => Administer($"DROP DATABASE IF EXISTS {d.Value} WITH (FORCE)")))
            .ToArray();
        try
        {
            Task.WaitAll(drops, TimeSpan.FromSeconds(20));
        }
        catch (AggregateException)
        {
            // The server may already be gone at the end of the run.
        }
    }

    private static string Require() => BaseConnection
        ?? throw new InvalidOperationException($"{Variable} is not set: this run uses SQLite.");
}
