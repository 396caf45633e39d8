using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Deskpool.Bench;

/// <summary>
/// The login storm: N end users connect at once, over HTTP on loopback, to a dynamic pool of N idle
/// desktops. Measures assignments per second, per-connect latency (p50/p99) and double assignments,
/// then the autoscaler's reaction time from an idle drop to its first create request.
///
/// Users, their group membership and their sign-ins are seeded straight into the server's database
/// (copies of one user made through the API), because N password hashes would measure PBKDF2, not
/// the broker; the sign-in rate is measured separately on real sign-ins.
/// </summary>
internal static class LoginStormBenchmark
{
    public static async Task<int> RunAsync(
        int users, int concurrency, string? postgres, int nodeCount, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? serverSettings = null)
    {
        var root = RepositoryRoot.Find();
        var serverDll = await ProvisionBenchmark.BuildServerAsync(root, cancellationToken);
        var facts = await MachineFacts.ReadAsync(root, cancellationToken);
        var shared = Path.Combine(Path.GetTempPath(), "deskpool-bench", "shared-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(shared);
        var nodes = new List<ServerProcess>();
        for (var n = 0; n < nodeCount; n++)
        {
            var extra = new Dictionary<string, string>(serverSettings ?? new Dictionary<string, string>())
            {
                ["Deskpool__NodeId"] = $"bench-node-{n}",
            };
            if (postgres is not null)
            {
                extra["Deskpool__Database__Provider"] = "Postgres";
                extra["Deskpool__Database__ConnectionString"] = postgres;
                extra["Deskpool__Drivers__Simulated__StatePath"] = Path.Combine(shared, "simulated-hypervisor.db");
            }

            nodes.Add(await ServerProcess.StartAsync(serverDll, users + 100, cancellationToken, extra));
        }

        try
        {
            return await RunOnNodesAsync(users, concurrency, postgres, nodes, shared, facts, cancellationToken);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Directory.Delete(shared, recursive: true);
        }
    }

    private static async Task<int> RunOnNodesAsync(
        int users,
        int concurrency,
        string? postgres,
        List<ServerProcess> nodes,
        string shared,
        MachineFacts facts,
        CancellationToken cancellationToken)
    {
        var server = nodes[0];
        var database = new Database(postgres, server.DataDirectory);
        var hypervisorFile = postgres is null
            ? Path.Combine(server.DataDirectory, "simulated-hypervisor.db")
            : Path.Combine(shared, "simulated-hypervisor.db");
        using var admin = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        admin.DefaultRequestHeaders.Add("X-Auth-Token", ServerProcess.AdminToken);

        Console.WriteLine($"Buying a dynamic pool of {users} desktops...");
        var poolId = await BuyPoolAsync(admin, "storm", users, autoscale: null, cancellationToken);
        var groupId = await GroupAuthorizedOnAsync(admin, poolId, cancellationToken);
        Console.WriteLine("Measuring real sign-ins...");
        var signInRate = await SignInRateAsync(admin, server, 20, cancellationToken);
        Console.WriteLine($"Seeding {users} users with sign-ins...");
        var tokens = Seed(database, groupId, users);

        Console.WriteLine($"Storm: {users} connects over {nodes.Count} node(s), {concurrency} in flight...");
        var serverCpuBefore = nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + n.CpuTime());
        var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var machineBefore = MachineCpu.BusyTime();
        var (elapsed, latencies, desktops, failures) = await StormAsync(nodes, poolId, tokens, concurrency, cancellationToken);
        var serverCpu = nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + n.CpuTime()) - serverCpuBefore;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
        var machineBusy = MachineCpu.BusyTime() - machineBefore;
        var doubles = CountDoubleAssignments(database, desktops);
        Console.WriteLine("Scaler reaction...");
        var reactions = await ScalerReactionAsync(admin, server, hypervisorFile, groupId, tokens, cancellationToken);

        latencies.Sort();
        Console.WriteLine($"""

            ## Login storm: {users} users, {users} idle desktops, {(postgres is null ? "SQLite" : "PostgreSQL")}, {nodes.Count} node(s)

            {facts.Date:yyyy-MM-dd}, {facts.Cores} cores ({facts.CpuModel}), {facts.MemoryGiB:0.0} GiB, {facts.Runtime}, commit {facts.Commit}.
            Client and server on one machine, loopback HTTP/1.1, {concurrency} connects in flight.

            | Assignments | Failed | Wall time (s) | Assignments/s | p50 (ms) | p99 (ms) | Max (ms) | Double assignments |
            |---:|---:|---:|---:|---:|---:|---:|---:|
            | {desktops.Count} | {failures} | {elapsed.TotalSeconds:0.00} | {desktops.Count / elapsed.TotalSeconds:0} | {Percentile(latencies, 0.50):0.0} | {Percentile(latencies, 0.99):0.0} | {latencies[^1]:0.0} | {doubles} |

            CPU per connect: server {serverCpu.TotalMilliseconds / tokens.Count:0.00} ms, this client {clientCpu.TotalMilliseconds / tokens.Count:0.00} ms; the machine was busy {machineBusy.TotalSeconds:0.0} CPU-s in {elapsed.TotalSeconds:0.0} s on {facts.Cores} cores, {Math.Max(0, (machineBusy - serverCpu - clientCpu).TotalSeconds):0.0} CPU-s of it other work.

            Real sign-ins (PBKDF2 password check): {signInRate:0.0} per second, one at a time.
            Scaler reaction, idle drop (a bind) to the first create request, {reactions.Count} samples: median {Percentile(reactions, 0.5):0} ms, max {reactions.Max():0} ms ({string.Join(", ", reactions.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}).
            """);
        return doubles == 0 && failures == 0 ? 0 : 1;
    }

    private static async Task<string> BuyPoolAsync(
        HttpClient admin, string name, int size, object? autoscale, CancellationToken cancellationToken)
    {
        var first = Math.Min(size, 1000);
        var policy = await PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/desktop-name-policies",
            new { policy_name = $"{name}names", name_prefix = name[..Math.Min(5, name.Length)].ToUpperInvariant(), digit_number = 5, start_number = 1, single_domain_user_inc = 0 },
            cancellationToken);
        var request = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["type"] = "DYNAMIC",
            ["size"] = first,
            ["product_id"] = "workspace.x86.ultimate.large2",
            ["image_type"] = "gold",
            ["image_id"] = "a8ce7c2f-3d1b-4f76-9a0e-6c1b2f0d9e11",
            ["root_volume"] = new { type = "SAS", size = 80 },
            ["vpc_id"] = "3d9f2a7c-5b1e-4c8d-a6f0-9e2b4d7c1a66",
            ["subnet_ids"] = new[] { "6d8f0a2c-4e6b-4d9f-b1a3-5c7e9f1b3d42" }, // subnet-campus, a /18
            ["disconnected_retention_period"] = 60,
            ["desktop_name_policy_id"] = policy.GetProperty("policy_id").GetString(),
        };
        if (autoscale is not null)
        {
            request["enable_autoscale"] = true;
            request["autoscale_policy"] = autoscale;
        }

        var job = await PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/desktop-pools", request, cancellationToken);
        await WaitForJobAsync(admin, job.GetProperty("job_id").GetString()!, cancellationToken);
        var pools = await admin.GetFromJsonAsync<JsonElement>(
            new Uri($"/v2/{ServerProcess.ProjectId}/desktop-pools?name={name}", UriKind.Relative), cancellationToken);
        var poolId = pools.GetProperty("desktop_pools").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
        for (var added = first; added < size; added += 1000)
        {
            var expand = await PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/desktop-pools/{poolId}/expand",
                new { size = Math.Min(1000, size - added) }, cancellationToken);
            await WaitForJobAsync(admin, expand.GetProperty("job_id").GetString()!, cancellationToken);
        }

        return poolId;
    }

    private static async Task<string> GroupAuthorizedOnAsync(HttpClient admin, string poolId, CancellationToken cancellationToken)
    {
        await PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/groups",
            new { group_name = "storm-users", platform_type = "LOCAL" }, cancellationToken);
        var groups = await admin.GetFromJsonAsync<JsonElement>(
            new Uri($"/v2/{ServerProcess.ProjectId}/groups?keyword=storm-users", UriKind.Relative), cancellationToken);
        var groupId = groups.GetProperty("user_groups")[0].GetProperty("id").GetString()!;
        await AuthorizeAsync(admin, poolId, groupId, cancellationToken);
        return groupId;
    }

    private static Task AuthorizeAsync(HttpClient admin, string poolId, string groupId, CancellationToken cancellationToken) =>
        PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/desktop-pools/{poolId}/users", new
        {
            action = "ADD",
            objects = new[] { new { object_id = groupId, object_name = "storm-users", object_type = "USER_GROUP", user_group = "users" } },
        }, cancellationToken);

    /// <summary>Real sign-ins of one user made through the API, one at a time.</summary>
    private static async Task<double> SignInRateAsync(HttpClient admin, ServerProcess server, int count, CancellationToken cancellationToken)
    {
        await PostAsync(admin, $"/v2/{ServerProcess.ProjectId}/users", new
        {
            user_name = "template", active_type = "ADMIN_ACTIVATE", password = "Str0ng!pass", next_login_change_password = false,
        }, cancellationToken);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await PostAsync(client, "/v2/end-user/sign-in",
                new { project_id = ServerProcess.ProjectId, user_name = "template", password = "Str0ng!pass" }, cancellationToken);
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Copies the template user N times, puts them in the group and gives each a sign-in token.</summary>
    private static List<string> Seed(Database database, string groupId, int users)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var tokens = new List<string>(users);
        using var user = Command(connection, transaction, """
            INSERT INTO users ("Id", "ProjectId", "UserName", "UserNameKey", "ActiveType", "EnableChangePassword",
                "NextLoginChangePassword", "PasswordNeverExpired", "Disabled", "Locked", "FailedSignIns", "ActivatedAt",
                "PasswordHash", "EnterpriseProjectId", "CreatedAt", "Version")
            SELECT @id, "ProjectId", @name, @key, "ActiveType", TRUE, FALSE, FALSE, FALSE, FALSE, 0, @now,
                "PasswordHash", '0', @now, 0
            FROM users WHERE "UserNameKey" = 'TEMPLATE'
            """);
        using var member = Command(connection, transaction,
            "INSERT INTO group_memberships (\"GroupId\", \"UserId\", \"CreatedAt\") VALUES (@group, @id, @now)");
        using var session = Command(connection, transaction, """
            INSERT INTO end_user_sessions ("Id", "TokenDigest", "ProjectId", "UserId", "CreatedAt", "ExpiresAt")
            VALUES (@sid, @digest, @project, @id, @now, @expires)
            """);
        for (var i = 0; i < users; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            var token = $"dkp_storm_{i}_{Guid.NewGuid():N}";
            tokens.Add(token);
            Run(user, ("@id", id), ("@name", $"storm{i}"), ("@key", $"STORM{i}"), ("@now", now));
            Run(member, ("@group", groupId), ("@id", id), ("@now", now));
            Run(session, ("@sid", Guid.NewGuid().ToString()), ("@digest", Digest(token)), ("@project", ServerProcess.ProjectId),
                ("@id", id), ("@now", now), ("@expires", now + 3_600_000));
        }

        transaction.Commit();
        using var check = Command(connection, null,
            "SELECT COUNT(*) FROM end_user_sessions s JOIN users u ON s.\"UserId\" = u.\"Id\"");
        var seeded = Convert.ToInt32(check.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (seeded < users)
        {
            throw new BenchmarkFailedException($"Seeding made {seeded} signed-in users of {users}; is the template user there?");
        }

        return tokens;
    }

    private static async Task<(TimeSpan Elapsed, List<double> Latencies, Dictionary<string, string> Desktops, int Failures)> StormAsync(
        List<ServerProcess> nodes, string poolId, List<string> tokens, int concurrency, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
        var next = 0;
        var latencies = new List<double>(tokens.Count);
        var desktops = new Dictionary<string, string>();
        var failures = 0;
        using var gate = new SemaphoreSlim(concurrency);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(tokens.Select(async token =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var node = nodes[Interlocked.Increment(ref next) % nodes.Count];
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseAddress, $"/v2/end-user/pools/{poolId}/connect"));
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(latency);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        desktops[token] = JsonDocument.Parse(body).RootElement.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
                    }
                    else
                    {
                        failures++;
                        if (failures == 1)
                        {
                            Console.Error.WriteLine($"First refused connect: {(int)response.StatusCode} {body}");
                        }
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return (watch.Elapsed, latencies, desktops, failures);
    }

    /// <summary>Desktops handed to more than one user, by the answers and by the database.</summary>
    private static int CountDoubleAssignments(Database database, Dictionary<string, string> desktops)
    {
        var byAnswers = desktops.Values.GroupBy(d => d).Count(g => g.Count() > 1);
        using var connection = database.Open();
        using var command = Command(connection, null, """
            SELECT COUNT(*) - COUNT(DISTINCT "DesktopId") + COUNT(*) - COUNT(DISTINCT "PoolId" || "UserId") FROM bindings
            """);
        var byDatabase = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        return byAnswers + byDatabase;
    }

    /// <summary>
    /// A pre-create pool at its threshold: each bind drops the idle count below it; the reaction is
    /// the time from sending the connect to the moment the driver records the new machine.
    /// </summary>
    private static async Task<List<double>> ScalerReactionAsync(
        HttpClient admin, ServerProcess server, string hypervisorFile, string groupId, List<string> tokens,
        CancellationToken cancellationToken)
    {
        var poolId = await BuyPoolAsync(admin, "react", 5,
            new { autoscale_type = "AUTO_CREATED", min_idle = 5, once_auto_created = 1, max_auto_created = 20 }, cancellationToken);
        await AuthorizeAsync(admin, poolId, groupId, cancellationToken);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var reactions = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var before = Machines(hypervisorFile);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/end-user/pools/{poolId}/connect");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens[i]);
            var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var response = await client.SendAsync(request, cancellationToken);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            long? created = null;
            while (created is null && DateTime.UtcNow < deadline)
            {
                created = NewestMachineAfter(hypervisorFile, before);
                await Task.Delay(5, cancellationToken);
            }

            reactions.Add(created is { } at ? at - sent : double.NaN);
            await Task.Delay(300, cancellationToken);
        }

        return reactions;
    }

    private static long Machines(string hypervisorFile)
    {
        using var connection = OpenFile(hypervisorFile);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(created_at), 0) FROM machines";
        return (long)command.ExecuteScalar()!;
    }

    private static long? NewestMachineAfter(string hypervisorFile, long after)
    {
        using var connection = OpenFile(hypervisorFile);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(created_at) FROM machines WHERE created_at > $after";
        command.Parameters.AddWithValue("$after", after);
        return command.ExecuteScalar() is long at ? at : null;
    }

    private static SqliteConnection OpenFile(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ToString());
        connection.Open();
        return connection;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Run(DbCommand command, params (string Name, object Value)[] parameters)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>The server's database: its SQLite file, or the PostgreSQL database all nodes share.</summary>
    private sealed class Database(string? postgres, string dataDirectory)
    {
        public DbConnection Open()
        {
            if (postgres is null)
            {
                return OpenFile(Path.Combine(dataDirectory, "deskpool.db"));
            }

            var connection = new NpgsqlConnection(postgres);
            connection.Open();
            return connection;
        }
    }

    private static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static double Percentile(List<double> sorted, double p)
    {
        var ordered = sorted.Where(v => !double.IsNaN(v)).Order().ToList();
        return ordered.Count == 0 ? double.NaN : ordered[Math.Min(ordered.Count - 1, (int)Math.Ceiling(ordered.Count * p) - 1)];
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task WaitForJobAsync(HttpClient admin, string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await admin.GetFromJsonAsync<JsonElement>(
                new Uri($"/v2/{ServerProcess.ProjectId}/workspace-jobs/{jobId}", UriKind.Relative), cancellationToken);
            var status = job.GetProperty("status").GetString();
            if (status == "SUCCESS")
            {
                return;
            }

            if (status == "FAIL")
            {
                throw new BenchmarkFailedException($"Job {jobId} failed: {job.GetProperty("fail_reason")}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}
