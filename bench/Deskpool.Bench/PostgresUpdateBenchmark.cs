using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Deskpool.Bench;

/// <summary>
/// The raw rate of single-row UPDATEs that a PostgreSQL server sustains through Npgsql, each its own
/// transaction, from several clients at once: a ceiling against which work that claims rows in the
/// database (leases, counters) can be judged. It uses a table of its own in the database it is
/// given and drops it afterwards; Deskpool's tables are not touched.
/// </summary>
internal static class PostgresUpdateBenchmark
{
    public const string Usage =
        "usage: deskpool-bench pg-update --connection CONNSTRING [--clients 1,8] [--seconds 10] [--rows 1000]";

    private const string Table = "deskpool_bench_update";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var connection = Option(args, "--connection");
        if (string.IsNullOrEmpty(connection))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var clients = (Option(args, "--clients") ?? "1,8").Split(',').Select(int.Parse).ToList();
        var seconds = int.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var rows = int.Parse(Option(args, "--rows") ?? "1000", CultureInfo.InvariantCulture);
        var facts = await MachineFacts.ReadAsync(RepositoryRoot.Find(), cancellationToken);

        await using var dataSource = new NpgsqlDataSourceBuilder(connection).Build();
        var settings = await PrepareAsync(dataSource, rows, cancellationToken);
        var results = new List<(int Clients, double PerSecond, double P50, double P99)>();
        try
        {
            foreach (var count in clients)
            {
                var duration = TimeSpan.FromSeconds(seconds);
                results.Add(await MeasureAsync(dataSource, count, rows, duration, cancellationToken));
            }
        }
        finally
        {
            await ExecuteAsync(dataSource, $"DROP TABLE IF EXISTS {Table}", CancellationToken.None);
        }

        Console.WriteLine($"""

            ## Single-row UPDATE rate of PostgreSQL

            {facts.Date:yyyy-MM-dd}, {facts.Cores} cores ({facts.CpuModel}), {facts.MemoryGiB:0.0} GiB, {facts.Runtime}.
            {settings}; {rows} rows, random row per UPDATE, autocommit, {seconds} s per line.

            | Clients | UPDATEs/s | p50 (ms) | p99 (ms) |
            |---:|---:|---:|---:|
            """);
        foreach (var (count, perSecond, p50, p99) in results)
        {
            Console.WriteLine($"| {count} | {perSecond:0} | {p50:0.00} | {p99:0.00} |");
        }

        return 0;
    }

    private static async Task<string> PrepareAsync(
        NpgsqlDataSource dataSource, int rows, CancellationToken cancellationToken)
    {
        await ExecuteAsync(dataSource, $"DROP TABLE IF EXISTS {Table}", cancellationToken);
        await ExecuteAsync(dataSource,
            $"CREATE TABLE {Table} (id integer PRIMARY KEY, n bigint NOT NULL)", cancellationToken);
        await ExecuteAsync(dataSource,
            $"INSERT INTO {Table} SELECT g, 0 FROM generate_series(1, {rows}) g", cancellationToken);
        await ExecuteAsync(dataSource, $"VACUUM ANALYZE {Table}", cancellationToken);

        await using var command = dataSource.CreateCommand(
            "SELECT 'PostgreSQL ' || current_setting('server_version') || ', fsync ' || current_setting('fsync') || " +
            "', synchronous_commit ' || current_setting('synchronous_commit')");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<(int Clients, double PerSecond, double P50, double P99)> MeasureAsync(
        NpgsqlDataSource dataSource, int clients, int rows, TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[clients];
        var clock = Stopwatch.StartNew();
        var until = clock.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var own = latencies[client] = [];
            var random = new Random(client);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"UPDATE {Table} SET n = n + 1 WHERE id = $1", connection);
            var id = new NpgsqlParameter<int> { TypedValue = 1 };
            command.Parameters.Add(id);
            await command.PrepareAsync(cancellationToken);
            while (clock.Elapsed < until)
            {
                id.TypedValue = random.Next(1, rows + 1);
                var started = clock.Elapsed;
                await command.ExecuteNonQueryAsync(cancellationToken);
                own.Add((clock.Elapsed - started).TotalMilliseconds);
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;

        var all = latencies.SelectMany(l => l).Order().ToList();
        return (clients, all.Count / elapsed, all[all.Count / 2], all[(int)Math.Ceiling(all.Count * 0.99) - 1]);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Option(string[] args, string name) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
