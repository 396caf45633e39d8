using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Deskpool.Data.Postgres;
using Deskpool.Drivers.Simulated;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Deskpool.Tests.MultiNode;

/// <summary>
/// Two server processes on one PostgreSQL database, as two nodes behind a load balancer: they share
/// the work through the database, do each piece once, and one finishes what the other left when
/// it dies. The simulated hypervisor's state file is shared too, so it counts every machine either
/// node asked for.
/// </summary>
public sealed class MultiNodeTests
{
    [PostgresFact]
    public async Task TwoNodes_BuyingThroughBoth_CreateEachDesktopOnce_AndRunEachSubJobOnce()
    {
        var sizes = new Dictionary<string, int> { ["big-through-a"] = 200, ["small-through-b"] = 40 };
        var total = sizes.Values.Sum();
        var cluster = new Cluster(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:00.050",
            ["Deskpool:Jobs:BatchSize"] = "10",
            ["Deskpool:Jobs:MaxParallelism"] = "5",
        });
        await using var nodeA = await cluster.StartNodeAsync("node-a");
        await using var nodeB = await cluster.StartNodeAsync("node-b");

        var small = Wire.PoolRequest("small-through-b", sizes["small-through-b"]);
        small["subnet_ids"] = new JsonArray(Wire.SubnetB);
        var jobs = await Task.WhenAll(
            nodeA.Client.CreatePoolAsync(Wire.PoolRequest("big-through-a", sizes["big-through-a"])),
            nodeB.Client.CreatePoolAsync(small));
        var ended = await Task.WhenAll(
            nodeB.Client.WaitForJobAsync(jobs[0], timeoutSeconds: 120),
            nodeA.Client.WaitForJobAsync(jobs[1], timeoutSeconds: 120));

        Assert.All(ended, job => Assert.Equal("SUCCESS", job.GetProperty("status").GetString()));
        Assert.Equal(total, ended.Sum(job => job.GetProperty("success_num").GetInt32()));
        var desktops = new List<JsonElement>();
        foreach (var (name, size) in sizes)
        {
            var pool = await nodeA.Client.PoolByNameAsync(name);
            var members = await nodeB.Client.DesktopsAsync(pool.GetProperty("id").GetString()!);
            Assert.Equal(size, members.Count);
            desktops.AddRange(members);
        }

        Assert.All(desktops, d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));
        Assert.Equal(total, desktops.Select(d => d.GetProperty("computer_name").GetString()).Distinct().Count());
        Assert.Equal(total, desktops.Select(d => d.GetProperty("ipv4").GetString()).Distinct().Count());

        using var hypervisor = cluster.Hypervisor();
        Assert.Equal(total, hypervisor.CountMachines());
        Assert.All(desktops, d => Assert.Equal(1, hypervisor.CreateRequests(d.GetProperty("desktop_id").GetString()!)));

        await using var db = cluster.Database();
        var subJobs = await db.SubJobs.AsNoTracking().ToListAsync();
        Assert.Equal(total, subJobs.Count);
        Assert.All(subJobs, s =>
        {
            Assert.Equal(SubJobStatus.Success, s.Status);
            Assert.Equal(1, s.Attempts);
        });
        var owners = subJobs.GroupBy(s => s.LeaseOwner ?? "").ToDictionary(g => g.Key, g => g.Count());
        Assert.True(owners.GetValueOrDefault("node-a") > 0 && owners.GetValueOrDefault("node-b") > 0,
            $"both nodes should have worked: {string.Join(", ", owners.Select(o => $"{o.Key}={o.Value}"))}");
    }

    [PostgresFact]
    public async Task NodeKilledMidProvisioning_OtherNodeTakesItsWorkOverAfterTheLease_NothingDuplicatedOrLost()
    {
        const int size = 60;
        var cluster = new Cluster(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:01",
            ["Deskpool:Jobs:BatchSize"] = "6",
            ["Deskpool:Jobs:MaxParallelism"] = "6",
            ["Deskpool:Jobs:LeaseDuration"] = "00:00:03",
        });
        await using var doomed = await cluster.StartNodeAsync("node-doomed");
        await using var survivor = await cluster.StartNodeAsync("node-survivor");

        var jobId = await doomed.Client.CreatePoolAsync(Wire.PoolRequest("takeover", size));
        await WaitForProgressAsync(survivor.Client, jobId, atLeast: 6);
        await doomed.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        List<string> orphaned;
        await using (var db = cluster.Database())
        {
            orphaned = await db.SubJobs.AsNoTracking()
                .Where(s => s.LeaseOwner == "node-doomed" && s.Status == SubJobStatus.Running)
                .Select(s => s.Id).ToListAsync();
        }

        var job = await survivor.Client.WaitForJobAsync(jobId, timeoutSeconds: 120);

        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        Assert.Equal(size, job.GetProperty("success_num").GetInt32());
        Assert.NotEmpty(orphaned);
        await using (var db = cluster.Database())
        {
            var taken = await db.SubJobs.AsNoTracking().Where(s => orphaned.Contains(s.Id)).ToListAsync();
            Assert.All(taken, s =>
            {
                Assert.Equal(SubJobStatus.Success, s.Status);
                Assert.Equal("node-survivor", s.LeaseOwner);
                Assert.Equal(2, s.Attempts);
                Assert.True(s.EndAt >= killedAt.AddSeconds(1),
                    $"sub-job {s.Id} ended {s.EndAt:O}, before the dead node's lease could have run out");
            });
        }

        var pool = await survivor.Client.PoolByNameAsync("takeover");
        var desktops = await survivor.Client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.Equal(size, desktops.Count);
        Assert.All(desktops, d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));
        Assert.Equal(size, desktops.Select(d => d.GetProperty("computer_name").GetString()).Distinct().Count());
        using var hypervisor = cluster.Hypervisor();
        Assert.Equal(size, hypervisor.CountMachines());
    }

    private static async Task WaitForProgressAsync(HttpClient client, string jobId, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var (_, job) = await client.GetJsonAsync(Wire.Path($"workspace-jobs/{jobId}"));
            if (job.GetProperty("success_num").GetInt32() >= atLeast)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("The nodes made no progress.");
    }

    /// <summary>Nodes with their own data folders and names, on one database and one simulated hypervisor.</summary>
    [PostgresFact]
    public async Task TwoNodes_LoginStorm_BindsEachDesktopOnce_AndEveryRetentionTimerFiresOnce()
    {
        const int size = 200;
        var cluster = new Cluster(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:00",
            ["Deskpool:Broker:PollInterval"] = "00:00:00.200",
        });
        await using var nodeA = await cluster.StartNodeAsync("node-a");
        await using var nodeB = await cluster.StartNodeAsync("node-b");
        var job = await nodeA.Client.CreatePoolAsync(Wire.PoolRequest("storm-pool", size));
        Assert.Equal("SUCCESS", (await nodeB.Client.WaitForJobAsync(job, timeoutSeconds: 120)).GetProperty("status").GetString());
        var poolId = (await nodeA.Client.PoolByNameAsync("storm-pool")).GetProperty("id").GetString()!;
        var tokens = await SeedSignedInUsersAsync(cluster, nodeA, poolId, size);

        // Every user connects twice at once, half of them through each node.
        var nodes = new[] { nodeA, nodeB };
        var answers = await Task.WhenAll(tokens.SelectMany((token, i) => Enumerable.Range(0, 2).Select(async round =>
        {
            using var client = new HttpClient { BaseAddress = nodes[(i + round) % 2].Address };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var (response, body) = await client.PostJsonAsync($"/v2/end-user/pools/{poolId}/connect", null);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
            return (User: i, Desktop: body.GetProperty("desktop").GetProperty("desktop_id").GetString()!);
        })));

        Assert.All(answers.GroupBy(a => a.User), g => Assert.Single(g.Select(a => a.Desktop).Distinct()));
        Assert.Equal(size, answers.Select(a => a.Desktop).Distinct().Count());
        await using (var db = cluster.Database())
        {
            var bindings = await db.Bindings.AsNoTracking().ToListAsync();
            Assert.Equal(size, bindings.Count);
            Assert.Equal(size, bindings.Select(b => b.DesktopId).Distinct().Count());
            Assert.Equal(size, bindings.Select(b => b.UserId).Distinct().Count());
        }

        // Everyone leaves; their retention periods are then made to have run out, and both nodes'
        // timer workers race for them.
        await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            using var client = new HttpClient { BaseAddress = nodes[i % 2].Address };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var (response, _) = await client.PostJsonAsync($"/v2/end-user/pools/{poolId}/disconnect", null);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        }));
        await using (var db = cluster.Database())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE bindings SET \"ReleaseAt\" = 0");
        }

        using var hypervisor = cluster.Hypervisor();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var desktops = await nodeA.Client.DesktopsAsync(poolId);
            if (desktops.All(d => d.GetProperty("status").GetString() == "ACTIVE" && d.Optional("task_status") is null
                && d.GetProperty("attach_state").GetString() == "UNATTACH"))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the released desktops were not all rebuilt in time");
            await Task.Delay(200);
        }

        Assert.Equal(size, hypervisor.CountMachines());
        foreach (var desktop in answers.Select(a => a.Desktop).Distinct())
        {
            Assert.Equal(1, hypervisor.Resets(desktop));
            Assert.Equal(1, hypervisor.CreateRequests(desktop));
        }
    }

    /// <summary>
    /// Users signed in without a password check each (a hash per user would make this test about
    /// PBKDF2): copies of one user made through the API, members of a group authorised on the pool.
    /// </summary>
    private static async Task<List<string>> SeedSignedInUsersAsync(Cluster cluster, ServerProcess node, string poolId, int count)
    {
        await node.Client.CreateAsync("template");
        await node.Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "storm", platform_type = "LOCAL" });
        var (_, groups) = await node.Client.GetJsonAsync(Wire.Path("groups?keyword=storm"));
        var groupId = groups.GetProperty("user_groups")[0].GetProperty("id").GetString()!;
        await node.Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[] { new { object_id = groupId, object_name = "storm", object_type = "USER_GROUP", user_group = "users" } },
        });

        await using var db = cluster.Database();
        var template = await db.Users.AsNoTracking().SingleAsync(u => u.UserNameKey == "TEMPLATE");
        var now = DateTimeOffset.UtcNow;
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            var token = Deskpool.Core.Tenancy.Tokens.NewToken();
            tokens.Add(token);
            db.Users.Add(new Deskpool.Core.Users.User
            {
                Id = id,
                ProjectId = TestServer.ProjectA,
                UserName = $"storm{i}",
                UserNameKey = $"STORM{i}",
                ActiveType = Deskpool.Core.Users.ActivationType.AdminActivate,
                NextLoginChangePassword = false,
                ActivatedAt = now,
                PasswordHash = template.PasswordHash,
                CreatedAt = now,
            });
            db.GroupMemberships.Add(new Deskpool.Core.Users.GroupMembership { GroupId = groupId, UserId = id, CreatedAt = now });
            db.EndUserSessions.Add(new Deskpool.Core.Broker.EndUserSession
            {
                Id = Guid.NewGuid().ToString(),
                TokenDigest = Deskpool.Core.Tenancy.Tokens.Digest(token),
                ProjectId = TestServer.ProjectA,
                UserId = id,
                CreatedAt = now,
                ExpiresAt = now.AddHours(1),
            });
        }

        await db.SaveChangesAsync();
        return tokens;
    }

    private sealed class Cluster(IReadOnlyDictionary<string, string?> settings)
    {
        private readonly string _shared = TestServer.NewDataDirectory();

        private string ConnectionString => TestDatabase.ConnectionStringFor(_shared);

        private string HypervisorPath => Path.Combine(_shared, "simulated-hypervisor.db");

        public Task<ServerProcess> StartNodeAsync(string nodeId) =>
            ServerProcess.StartAsync(TestServer.NewDataDirectory(), new Dictionary<string, string?>(settings)
            {
                ["Deskpool:NodeId"] = nodeId,
                ["Deskpool:Database:ConnectionString"] = ConnectionString,
                ["Deskpool:Drivers:Simulated:StatePath"] = HypervisorPath,
            });

        public SimulatedComputeDriver Hypervisor() => new(
            Options.Create(new SimulatedDriverOptions { StatePath = HypervisorPath }), TimeProvider.System);

        public DeskpoolDbContext Database()
        {
            var options = new DbContextOptionsBuilder<DeskpoolDbContext>();
            PostgresDatabase.Configure(options, ConnectionString);
            return new DeskpoolDbContext(options.Options);
        }
    }
}
