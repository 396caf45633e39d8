using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deskpool.Bench;

/// <summary>What one run measured.</summary>
internal sealed record RunResult(
    int Run,
    double PostSeconds,
    double SecondsToSuccess,
    double SecondsSeenByPoll,
    double DesktopsPerSecond,
    double PeakRssMiB,
    double IdleRssMiB,
    double ServerCpuSeconds,
    double OtherCpuSeconds,
    double OtherCpuPercent,
    int Polls,
    double MeanPollMs,
    double MaxPollMs);

/// <summary>
/// Buys one pool of N desktops on a fresh server per run and times it to job SUCCESS. The clock
/// starts when the POST is sent and stops at the job's end_time as the server recorded it (same
/// machine, same clock), so the result is not rounded up to the next poll; the moment a poll
/// first saw SUCCESS is reported beside it.
/// </summary>
internal static class ProvisionBenchmark
{
    public const string WindowsImage = "a8ce7c2f-3d1b-4f76-9a0e-6c1b2f0d9e11";
    public const string Product = "workspace.x86.ultimate.large2";
    public const string Vpc = "3d9f2a7c-5b1e-4c8d-a6f0-9e2b4d7c1a66";

    /// <summary>10.20.16.0/20: about 4,000 usable addresses, room for a full-size purchase.</summary>
    public const string LargeSubnet = "2e4a6c8e-0b3d-4f5a-9c7e-6c8e0a2c4f99";

    private const int DesktopPage = 100;

    public static async Task<int> RunAsync(ProvisionOptions options, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        var serverDll = options.ServerDll ?? await BuildServerAsync(root, cancellationToken);
        if (!File.Exists(serverDll))
        {
            throw new BenchmarkFailedException($"{serverDll} does not exist.");
        }

        var facts = await MachineFacts.ReadAsync(root, cancellationToken);
        Console.WriteLine($"Provisioning {options.Desktops} desktops, {options.Runs} run(s), polling every " +
            $"{options.PollInterval.TotalMilliseconds:0} ms; server {serverDll}");
        Console.WriteLine(Report.TableHeader);

        var results = new List<RunResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var result = await RunOnceAsync(run, serverDll, options, cancellationToken);
            results.Add(result);
            Console.WriteLine(Report.TableRow(result));
        }

        Report.Print(options, facts, results);
        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(
        int run, string serverDll, ProvisionOptions options, CancellationToken cancellationToken)
    {
        await using var server = await ServerProcess.StartAsync(serverDll, options.Desktops, cancellationToken);
        try
        {
            return await MeasureAsync(run, server, options, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong (a refused request, a dead server, an HTTP timeout), say it with
            // what the server said last.
            var newLine = Environment.NewLine;
            var what = ex is BenchmarkFailedException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            var exited = server.HasExited ? $" The server process has exited (code {server.ExitCode})." : "";
            throw new BenchmarkFailedException(
                $"run {run}: {what}{exited}{newLine}--- last server output ---{newLine}{server.LogTail()}");
        }
    }

    private static async Task<RunResult> MeasureAsync(
        int run, ServerProcess server, ProvisionOptions options, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Auth-Token", ServerProcess.AdminToken);
        var idleRss = server.ResidentBytes();

        var cpuBefore = CpuSnapshot.Take(server);
        var postedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var posted = await client.PostAsJsonAsync(
            Api("desktop-pools"), PoolRequest($"bench-{run}", options.Desktops), cancellationToken);
        var postSeconds = clock.Elapsed.TotalSeconds;
        var created = await ReadAsync(posted, cancellationToken);
        if (posted.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"the purchase was refused: {(int)posted.StatusCode} {created}");
        }

        var jobId = created.GetProperty("job_id").GetString()!;
        var (job, seenSeconds, polls) = await PollUntilEndedAsync(client, jobId, clock, options, cancellationToken);
        var peakRss = server.PeakResidentBytes();
        var cpu = CpuSnapshot.Take(server) - cpuBefore;

        var status = job.GetProperty("status").GetString();
        if (status != "SUCCESS")
        {
            throw new BenchmarkFailedException($"job {jobId} ended {status}: {Text(job, "fail_reason")}");
        }

        var ended = DateTimeOffset.Parse(job.GetProperty("end_time").GetString()!, CultureInfo.InvariantCulture);
        var secondsToSuccess = (ended - postedAt).TotalSeconds;
        await VerifyAsync(client, job, options.Desktops, cancellationToken);
        return new RunResult(
            run,
            postSeconds,
            secondsToSuccess,
            seenSeconds,
            options.Desktops / secondsToSuccess,
            peakRss / 1024.0 / 1024.0,
            idleRss / 1024.0 / 1024.0,
            cpu.Server.TotalSeconds,
            cpu.Others.TotalSeconds,
            100 * cpu.Others.TotalSeconds / (Environment.ProcessorCount * seenSeconds),
            polls.Count,
            polls.Average(),
            polls.Max());
    }

    /// <summary>
    /// Polls ShowJob until the job ends. Polls start one interval apart (or at once when a poll took
    /// longer than that); each poll's duration is kept, since ShowJob carries every sub-job.
    /// </summary>
    private static async Task<(JsonElement Job, double SeenSeconds, List<double> PollMs)> PollUntilEndedAsync(
        HttpClient client, string jobId, Stopwatch clock, ProvisionOptions options, CancellationToken cancellationToken)
    {
        var polls = new List<double>();
        while (true)
        {
            var startedAt = clock.Elapsed;
            using var response = await client.GetAsync(Api($"workspace-jobs/{jobId}"), cancellationToken);
            var job = await ReadAsync(response, cancellationToken);
            polls.Add((clock.Elapsed - startedAt).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchmarkFailedException($"ShowJob answered {(int)response.StatusCode}: {job}");
            }

            if (job.GetProperty("status").GetString() is "SUCCESS" or "FAIL")
            {
                return (job, clock.Elapsed.TotalSeconds, polls);
            }

            if (clock.Elapsed > options.Timeout)
            {
                throw new BenchmarkFailedException(
                    $"job {jobId} did not end within {options.Timeout.TotalSeconds:0} s " +
                    $"(last seen {job.GetProperty("status").GetString()}, {job.GetProperty("process").GetInt32()} %).");
            }

            var wait = startedAt + options.PollInterval - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    /// <summary>Checks what was bought: every desktop active, names and addresses all different.</summary>
    private static async Task VerifyAsync(
        HttpClient client, JsonElement job, int expected, CancellationToken cancellationToken)
    {
        var succeeded = job.GetProperty("success_num").GetInt32();
        var subJobs = job.GetProperty("sub_jobs").GetArrayLength();
        if (succeeded != expected || subJobs != expected)
        {
            throw new BenchmarkFailedException(
                $"the job reports {succeeded} succeeded of {subJobs} sub-jobs, not {expected}.");
        }

        var poolId = job.GetProperty("desktop_pool_id").GetString()!;
        var pool = await GetAsync(client, Api($"desktop-pools/{poolId}"), cancellationToken);
        var count = pool.GetProperty("desktop_count").GetInt32();
        var poolStatus = pool.GetProperty("status").GetString();
        if (count != expected || poolStatus != "STEADY")
        {
            throw new BenchmarkFailedException(
                $"pool {poolId} is {poolStatus} with {count} desktops, not STEADY with {expected}.");
        }

        var desktops = new List<JsonElement>();
        for (var offset = 0; ; offset += DesktopPage)
        {
            var page = await GetAsync(
                client, Api($"desktop-pools/{poolId}/desktops?limit={DesktopPage}&offset={offset}"), cancellationToken);
            var items = page.GetProperty("pool_desktops").EnumerateArray().ToList();
            desktops.AddRange(items);
            if (items.Count < DesktopPage)
            {
                break;
            }
        }

        var notActive = desktops.Where(d => d.GetProperty("status").GetString() != "ACTIVE").ToList();
        var names = desktops.Select(d => Text(d, "computer_name")).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var addresses = desktops.Select(d => Text(d, "ipv4")).Where(a => a is not null).Distinct().Count();
        if (desktops.Count != expected || notActive.Count > 0 || names != expected || addresses != expected)
        {
            throw new BenchmarkFailedException(
                $"the pool lists {desktops.Count} desktops ({notActive.Count} not ACTIVE), {names} distinct " +
                $"names and {addresses} distinct addresses; expected {expected} of each, all ACTIVE.");
        }
    }

    private static JsonObject PoolRequest(string name, int size) => new()
    {
        ["name"] = name,
        ["type"] = "DYNAMIC",
        ["size"] = size,
        ["product_id"] = Product,
        ["image_type"] = "gold",
        ["image_id"] = WindowsImage,
        ["root_volume"] = new JsonObject { ["type"] = "SAS", ["size"] = 80 },
        ["data_volumes"] = new JsonArray(new JsonObject { ["type"] = "SSD", ["size"] = 100 }),
        ["vpc_id"] = Vpc,
        ["subnet_ids"] = new JsonArray(LargeSubnet),
        ["disconnected_retention_period"] = 60,
    };

    private static Uri Api(string rest) => new($"/v2/{ServerProcess.ProjectId}/{rest}", UriKind.Relative);

    private static async Task<JsonElement> GetAsync(HttpClient client, Uri path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? body
            : throw new BenchmarkFailedException($"GET {path} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Builds the server in Release (quick when it is up to date) and returns its assembly.</summary>
    internal static async Task<string> BuildServerAsync(string? root, CancellationToken cancellationToken)
    {
        if (root is null)
        {
            throw new BenchmarkFailedException(
                "cannot find the Deskpool repository (Deskpool.slnx) above the current folder; run from inside it " +
                "or pass --server-dll.");
        }

        var project = Path.Combine(root, "src", "Deskpool.Server", "Deskpool.Server.csproj");
        Console.WriteLine($"Building {project} (Release)...");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var argument in new[] { "build", project, "-c", "Release", "-nologo", "-v:q" })
        {
            start.ArgumentList.Add(argument);
        }

        using var build = Process.Start(start)!;
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new BenchmarkFailedException($"building the server failed (exit code {build.ExitCode}).");
        }

        return Path.Combine(root, "src", "Deskpool.Server", "bin", "Release", "net10.0", "deskpool-server.dll");
    }
}

/// <summary>CPU time used so far by the server, by this benchmark, and by the machine as a whole.</summary>
internal readonly record struct CpuSnapshot(TimeSpan Server, TimeSpan Bench, TimeSpan Machine)
{
    /// <summary>
    /// What everything else on the machine used: other people's builds compete for the cores. The
    /// machine's count moves in 10 ms ticks, so on a quiet machine the difference can dip below zero.
    /// </summary>
    public TimeSpan Others => TimeSpan.FromTicks(Math.Max(0, (Machine - Server - Bench).Ticks));

    public static CpuSnapshot Take(ServerProcess server)
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(server.CpuTime(), self.TotalProcessorTime, MachineCpu.BusyTime());
    }

    public static CpuSnapshot operator -(CpuSnapshot a, CpuSnapshot b) =>
        new(a.Server - b.Server, a.Bench - b.Bench, a.Machine - b.Machine);
}

/// <summary>Finds the repository this benchmark belongs to, from the working folder or the benchmark's own.</summary>
internal static class RepositoryRoot
{
    public static string? Find() => FindAbove(Directory.GetCurrentDirectory()) ?? FindAbove(AppContext.BaseDirectory);

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Deskpool.slnx")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
