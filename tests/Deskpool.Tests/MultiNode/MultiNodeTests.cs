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
