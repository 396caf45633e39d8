using Deskpool.Bench;

// deskpool-bench provision [--desktops N] [--runs R] [--server-dll PATH] [--poll-ms MS] [--timeout-s S]
//
// Starts a real server process per run, buys one pool of N desktops on the simulated driver at
// zero latency, and measures the time to job SUCCESS and the server's peak resident memory.
// deskpool-bench import [--rows N] [--samples S]
//
// Times the .xlsx import preview of N rows (default 200) against a warm server process.
// deskpool-bench storm [--users N] [--concurrency C] [--postgres CONNSTRING] [--nodes K] [--set Key=Value]...
//
// The login storm: N users connect at once to a dynamic pool of N idle desktops; then the scaler's reaction time.
if (args.Length > 0 && args[0] == "storm")
{
    var users = args.SkipWhile(a => a != "--users").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
    var concurrency = args.SkipWhile(a => a != "--concurrency").Skip(1).Select(int.Parse).FirstOrDefault(64);
    try
    {
        var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();
        var nodes = args.SkipWhile(a => a != "--nodes").Skip(1).Select(int.Parse).FirstOrDefault(1);
        if (nodes > 1 && postgres is null)
        {
            Console.Error.WriteLine("deskpool-bench: several nodes share one PostgreSQL database; pass --postgres too.");
            return 2;
        }

        // Server settings to try, e.g. --set Deskpool:Jobs:PollInterval=00:00:00.200
        var settings = args.Select((a, i) => (a, i)).Where(p => p.a == "--set" && p.i + 1 < args.Length)
            .Select(p => args[p.i + 1].Split('=', 2))
            .ToDictionary(kv => kv[0].Replace(":", "__", StringComparison.Ordinal), kv => kv.Length > 1 ? kv[1] : "");
        return await LoginStormBenchmark.RunAsync(users, concurrency, postgres, nodes, CancellationToken.None, settings);
    }
    catch (BenchmarkFailedException ex)
    {
        Console.Error.WriteLine($"deskpool-bench: FAILED: {ex.Message}");
        return 1;
    }
}

// deskpool-bench pg-update --connection CONNSTRING [--clients 1,8] [--seconds 10] [--rows 1000]
//
// The raw single-row UPDATE rate of a PostgreSQL server (scripts/bench-postgres.sh starts one).
if (args.Length > 0 && args[0] == "pg-update")
{
    return await PostgresUpdateBenchmark.RunAsync(args[1..], CancellationToken.None);
}

if (args.Length > 0 && args[0] == "import")
{
    var rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(int.Parse).FirstOrDefault(200);
    var samples = args.SkipWhile(a => a != "--samples").Skip(1).Select(int.Parse).FirstOrDefault(30);
    try
    {
        return await ImportBenchmark.RunAsync(rows, samples, CancellationToken.None);
    }
    catch (BenchmarkFailedException ex)
    {
        Console.Error.WriteLine($"deskpool-bench: FAILED: {ex.Message}");
        return 1;
    }
}

if (args.Length == 0 || args[0] is "-h" or "--help" || args[0] != "provision")
{
    Console.Error.WriteLine(ProvisionOptions.Usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}

var parsed = ProvisionOptions.Parse(args[1..]);
if (parsed.Error is not null)
{
    Console.Error.WriteLine($"deskpool-bench: {parsed.Error}");
    Console.Error.WriteLine(ProvisionOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the runs end through their finally blocks, which stop the server and remove its data.
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return await ProvisionBenchmark.RunAsync(parsed.Options!, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("deskpool-bench: cancelled.");
    return 130;
}
catch (BenchmarkFailedException ex)
{
    Console.Error.WriteLine($"deskpool-bench: FAILED: {ex.Message}");
    return 1;
}
