using System.Diagnostics;
using System.Globalization;
using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Metering;
using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Deskpool.Data.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Usage: dotnet run -c Release --project bench/Deskpool.Bench.Costs -- [--desktops N] [--days N] [--pools N]
//        [--runs N] [--db PATH] [--reuse] [--sql] [--only TEXT]
// Builds (or with --reuse, reopens) a database holding N desktops whose state changes every hour for
// the given days, rolls usage up as a node would, then times cost reports over the whole history.
var settings = BenchSettings.Parse(args);
var bench = new CostBench(settings);
await bench.RunAsync();

internal sealed record BenchSettings(
    int Desktops, int Days, int Pools, int Runs, string DatabasePath, bool Reuse, bool ShowSql, string? Only)
{
    public static BenchSettings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var path = Value("--db") ?? Path.Combine(Path.GetTempPath(), "deskpool-bench-costs", "costs.db");
        return new BenchSettings(Number("--desktops", 10_000), Number("--days", 30), Number("--pools", 10),
            Number("--runs", 5), Path.GetFullPath(path), args.Contains("--reuse"), args.Contains("--sql"),
            Value("--only"));
    }
}

/// <summary>A clock that says what the benchmark tells it.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal sealed class CostBench(BenchSettings settings)
{
    private const string ProjectId = "bench0000000000000000000000000000";
    private const string Product = "workspace.x86.ultimate.large2";
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private DateTimeOffset End => Start.AddDays(settings.Days);

    // Now is four minutes past the end of the history: with the default five-minute grace the roll-ups
    // reach one hour short of it, so every report also meters its last hour live from the history, as
    // a report does on a running system.
    private DateTimeOffset Now => End.AddMinutes(4);

    public async Task RunAsync()
    {
        Console.WriteLine($"Deskpool cost-report benchmark: {settings.Desktops:N0} desktops, {settings.Days} days, " +
            $"{settings.Pools} pools; database {settings.DatabasePath}");
        if (!settings.Reuse || !File.Exists(settings.DatabasePath))
        {
            await GenerateAsync();
        }

        await using (var db = Open())
        {
            var rows = await db.DesktopStateChanges.LongCountAsync();
            Console.WriteLine($"history rows: {rows:N0}; database size: {new FileInfo(settings.DatabasePath).Length / 1048576.0:N0} MB");
        }

        Console.WriteLine("| step | first run, ms | median of the others, ms | best, ms | CPU median, ms | result |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        if (await RolledUpUntilAsync() != Now.AddMinutes(-5).AddMinutes(-Now.AddMinutes(-5).Minute))
        {
            await TimeAsync("roll-up from scratch (once, not part of a report)", 1, async db =>
            {
                await db.PoolHourCosts.ExecuteDeleteAsync();
                await db.MeterProgress.ExecuteDeleteAsync();
                var rollup = new MeterRollup(db, new FixedClock(Now), new NodeIdentity("bench"),
                    Options.Create(new MeteringOptions()), NullLogger<MeterRollup>.Instance);
                var hours = 0;
                while (await rollup.RunOnceAsync(CancellationToken.None) is var h and > 0)
                {
                    hours += h;
                }

                return $"{hours} hours rolled up";
            });
        }

        var range = $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}";
        await ReportAsync($"daily by pool, {range}", Granularities.Daily, CostGroupings.Pool);
        await ReportAsync($"daily by project, {range}", Granularities.Daily, CostGroupings.Project);
        await ReportAsync($"hourly by pool, {range}", Granularities.Hourly, CostGroupings.Pool);
        await ReportAsync($"hourly by enterprise project, {range}", Granularities.Hourly, CostGroupings.EnterpriseProject);
        await ReportAsync($"daily by desktop, first page of 100, {range}", Granularities.Daily, CostGroupings.Desktop, 100);
        await ReportAsync($"hourly by desktop, page of 1000, {range}", Granularities.Hourly, CostGroupings.Desktop, 1000);

        var reach = await RolledUpUntilAsync();
        await TimeAsync($"without roll-ups (history only), daily by pool, {range}", 1, async db =>
        {
            await db.MeterProgress.ExecuteUpdateAsync(set => set.SetProperty(p => p.MeteredUntil, (DateTimeOffset?)null));
            try
            {
                var report = await Costs(db).GetAsync(ProjectId, Query(Granularities.Daily, CostGroupings.Pool), CancellationToken.None);
                return $"total {report.Value!.Total.Amount} {report.Value.Currency}";
            }
            finally
            {
                await db.MeterProgress.ExecuteUpdateAsync(set => set.SetProperty(p => p.MeteredUntil, reach));
            }
        });
    }

    private async Task<DateTimeOffset?> RolledUpUntilAsync()
    {
        await using var db = Open();
        return await db.MeterProgress.Select(p => p.MeteredUntil).FirstOrDefaultAsync();
    }

    private async Task ReportAsync(string name, string granularity, string groupBy, int limit = CostRules.DefaultLimit)
    {
        await TimeAsync(name, settings.Runs, async db =>
        {
            var report = await Costs(db).GetAsync(ProjectId, Query(granularity, groupBy, limit), CancellationToken.None);
            if (!report.Succeeded)
            {
                throw new InvalidOperationException(report.Failure.Message);
            }

            var r = report.Value;
            return $"{r.Groups.Count} group(s) of {r.TotalCount}, {r.Periods.Count} periods, total {r.Total.Amount} {r.Currency}";
        });
    }

    private CostReports Costs(DeskpoolDbContext db) => new(db, new FixedClock(Now));

    private CostQuery Query(string granularity, string groupBy, int limit = CostRules.DefaultLimit) =>
        new(Start, End, granularity, groupBy, 0, limit);

    private async Task TimeAsync(string name, int runs, Func<DeskpoolDbContext, Task<string>> work)
    {
        if (settings.Only is { } only && !name.Contains(only, StringComparison.Ordinal))
        {
            return;
        }

        // Wall time, and the CPU time this process spent, which a busy shared machine disturbs less.
        var times = new List<(double Wall, double Cpu)>();
        var outcome = "";
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            await using var db = Open();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            outcome = await work(db);
            process.Refresh();
            times.Add((watch.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds));
        }

        var warm = times.Count > 1 ? times.Skip(1).ToList() : times;
        var wall = warm.Select(t => t.Wall).Order().ToList();
        var cpuTimes = warm.Select(t => t.Cpu).Order().ToList();
        Console.WriteLine($"| {name} | {times[0].Wall:N0} | {wall[wall.Count / 2]:N0} | {wall[0]:N0} | " +
            $"{cpuTimes[cpuTimes.Count / 2]:N0} | {outcome} |");
    }

    private DeskpoolDbContext Open()
    {
        var options = new DbContextOptionsBuilder<DeskpoolDbContext>();
        SqliteDatabase.Configure(options, settings.DatabasePath);
        if (settings.ShowSql)
        {
            options.LogTo(Console.WriteLine, [DbLoggerCategory.Database.Command.Name], Microsoft.Extensions.Logging.LogLevel.Information);
        }

        return new DeskpoolDbContext(options.Options);
    }

    private async Task GenerateAsync()
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.GetDirectoryName(settings.DatabasePath)!);
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(settings.DatabasePath + suffix);
        }

        await using (var db = Open())
        {
            await db.Database.MigrateAsync();
            db.Projects.Add(new Project { Id = ProjectId, Name = "bench", CreatedAt = Start, DesktopQuota = 1_000_000 });
            db.PriceLists.Add(new PriceList
            {
                Revision = 1,
                Currency = "USD",
                EffectiveFrom = Start.AddDays(-1),
                RecordedAt = Start.AddDays(-1),
                RecordedBy = "bench",
                Prices =
                [
                    new Price { Revision = 1, Kind = PriceKind.Package, Item = Product, UnitPrice = 0.25m },
                    new Price { Revision = 1, Kind = PriceKind.Disk, Item = "SAS", UnitPrice = 0.0001m },
                    new Price { Revision = 1, Kind = PriceKind.Disk, Item = "SSD", UnitPrice = 0.0003m },
                ],
            });
            for (var p = 0; p < settings.Pools; p++)
            {
                db.Pools.Add(new Pool
                {
                    Id = PoolId(p),
                    ProjectId = ProjectId,
                    Name = $"bench-pool-{p}",
                    ProductId = Product,
                    ImageId = "a8ce7c2f-3d1b-4f76-9a0e-6c1b2f0d9e11",
                    ImageType = "gold",
                    RootVolume = new Volume("root", "SAS", 80),
                    DataVolumes = [new Volume("data", "SSD", 100)],
                    VpcId = "3d9f2a7c-5b1e-4c8d-a6f0-9e2b4d7c1a66",
                    EnterpriseProjectId = $"ep-{p % 3}",
                    CreatedAt = Start,
                });
            }

            await db.SaveChangesAsync();
        }

        // Desktops and their history in bulk, by plain SQL on the product's schema.
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = settings.DatabasePath }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
        using var transaction = connection.BeginTransaction();
        using var desktop = connection.CreateCommand();
        desktop.Transaction = transaction;
        desktop.CommandText = """
            INSERT INTO desktops ("Id", "ProjectId", "PoolId", "ComputerName", "AvailabilityZone", "SubnetId",
                "IpAddress", "MacAddress", "State", "OnDemand", "CreatedAt", "StateChangedAt")
            VALUES ($id, $project, $pool, $name, 'region-1a', '2e4a6c8e-0b3d-4f5a-9c7e-6c8e0a2c4f99',
                $ip, $mac, $state, 0, $created, $changed)
            """;
        var (dId, dProject, dPool, dName, dIp, dMac, dState, dCreated, dChanged) = (
            desktop.Parameters.Add("$id", SqliteType.Text), desktop.Parameters.Add("$project", SqliteType.Text),
            desktop.Parameters.Add("$pool", SqliteType.Text), desktop.Parameters.Add("$name", SqliteType.Text),
            desktop.Parameters.Add("$ip", SqliteType.Text), desktop.Parameters.Add("$mac", SqliteType.Text),
            desktop.Parameters.Add("$state", SqliteType.Text), desktop.Parameters.Add("$created", SqliteType.Integer),
            desktop.Parameters.Add("$changed", SqliteType.Integer));
        using var change = connection.CreateCommand();
        change.Transaction = transaction;
        change.CommandText = """
            INSERT INTO desktop_state_changes ("DesktopId", "From", "To", "At", "Reason") VALUES ($desktop, $from, $to, $at, $reason)
            """;
        var (cDesktop, cFrom, cTo, cAt, cReason) = (
            change.Parameters.Add("$desktop", SqliteType.Text), change.Parameters.Add("$from", SqliteType.Text),
            change.Parameters.Add("$to", SqliteType.Text), change.Parameters.Add("$at", SqliteType.Integer),
            change.Parameters.Add("$reason", SqliteType.Text));
        desktop.Prepare();
        change.Prepare();

        // The history is written hour by hour, in the order of its instants, as a running system
        // writes it: the desktops are created in the first minutes, then each changes state once an
        // hour at its own second (odd hours: running desktops stop; even hours: they start again).
        var ids = Enumerable.Range(0, settings.Desktops).Select(_ => Guid.CreateVersion7(Start).ToString()).ToArray();
        var startMs = Start.ToUnixTimeMilliseconds();
        var hours = settings.Days * 24;
        var lastHour = hours - 1;
        var finalState = lastHour % 2 == 1 ? DesktopState.Stopped : DesktopState.Running;
        for (var i = 0; i < settings.Desktops; i++)
        {
            (dId.Value, dProject.Value, dPool.Value, dName.Value) = (ids[i], ProjectId, PoolId(i % settings.Pools), $"B{i:D7}");
            (dIp.Value, dMac.Value) = ($"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", $"fa:16:3e:{i >> 16:x2}:{(i >> 8) & 255:x2}:{i & 255:x2}");
            (dState.Value, dCreated.Value) = (lastHour == 0 ? "Running" : finalState.ToString(), startMs + Second(i, 0) % 60 * 1000);
            dChanged.Value = lastHour == 0 ? startMs + ((Second(i, 0) % 60) + 30) * 1000 : startMs + (lastHour * 3_600_000L) + (Second(i, lastHour) * 1000L);
            desktop.ExecuteNonQuery();
        }

        var batch = new List<(long At, int Desktop, DesktopState? From, DesktopState To)>(settings.Desktops * 2);
        for (var h = 0; h < hours; h++)
        {
            batch.Clear();
            for (var i = 0; i < settings.Desktops; i++)
            {
                if (h == 0)
                {
                    var created = startMs + (Second(i, 0) % 60 * 1000);
                    batch.Add((created, i, null, DesktopState.Creating));
                    batch.Add((created + 30_000, i, DesktopState.Creating, DesktopState.Running));
                }
                else
                {
                    var (from, to) = h % 2 == 1
                        ? (DesktopState.Running, DesktopState.Stopped)
                        : (DesktopState.Stopped, DesktopState.Running);
                    batch.Add((startMs + (h * 3_600_000L) + (Second(i, h) * 1000L), i, from, to));
                }
            }

            foreach (var (at, i, from, to) in batch.OrderBy(b => b.At).ThenBy(b => b.Desktop).ThenBy(b => b.To == DesktopState.Running))
            {
                (cDesktop.Value, cFrom.Value, cTo.Value) = (ids[i], from?.ToString() ?? (object)DBNull.Value, to.ToString());
                (cAt.Value, cReason.Value) = (at, "bench");
                change.ExecuteNonQuery();
            }
        }

        transaction.Commit();
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        Console.WriteLine($"generated in {watch.Elapsed.TotalSeconds:N0} s");
    }

    private static string PoolId(int index) => $"00000000-0000-4000-8000-{index:D12}";

    /// <summary>A desktop's second of the hour for its change, spread evenly and the same on every run.</summary>
    private static long Second(int desktop, int hour) => (uint)((desktop * 2_654_435_761L) ^ (hour * 40_503L)) % 3600;

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
