using System.Net;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

public sealed class PoolPurchaseTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreatePool_ProvisionsEveryDesktop_NamedByPolicy_WithDistinctAddresses()
    {
        var client = _server.Client;
        var (_, policy) = await client.PostJsonAsync(Wire.Path("desktop-name-policies"), new
        {
            policy_name = "finance", name_prefix = "FIN-", digit_number = 3, start_number = 7, single_domain_user_inc = 0,
        });
        var request = Wire.PoolRequest("finance", size: 6);
        request["desktop_name_policy_id"] = policy.GetProperty("policy_id").GetString();

        var job = await client.WaitForJobAsync(await client.CreatePoolAsync(request));

        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        Assert.Equal(6, job.GetProperty("success_num").GetInt32());
        Assert.Equal(100, job.GetProperty("process").GetInt32());
        var pool = await client.PoolByNameAsync("finance");
        Assert.Equal("STEADY", pool.GetProperty("status").GetString());
        Assert.Equal(6, pool.GetProperty("desktop_count").GetInt32());
        var desktops = await client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.Equal(["FIN-007", "FIN-008", "FIN-009", "FIN-010", "FIN-011", "FIN-012"],
            desktops.Select(d => d.GetProperty("computer_name").GetString()).Order());
        Assert.All(desktops, d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));
        Assert.Equal(6, desktops.Select(d => d.GetProperty("ipv4").GetString()).Distinct().Count());
        Assert.Equal(6, _server.Driver.CountMachines());
    }

    [Fact]
    public async Task CreatePool_WithoutZone_SpreadsDesktopsOverZones()
    {
        var job = await _server.Client.WaitForJobAsync(await _server.Client.CreatePoolAsync(Wire.PoolRequest("spread", 4)));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());

        var pool = await _server.Client.PoolByNameAsync("spread");
        var zones = (await _server.Client.DesktopsAsync(pool.GetProperty("id").GetString()!))
            .GroupBy(d => d.GetProperty("availability_zone").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(2, zones[Wire.ZoneA]);
        Assert.Equal(2, zones[Wire.ZoneB]);
    }

    [Fact]
    public async Task CreatePool_BeforeServiceAuthorization_IsRefused_ThenAcceptedAfterGrant()
    {
        var clientB = _server.ClientFor(TestServer.TokenB);

        var (refused, error) = await clientB.PostJsonAsync(Wire.Path("desktop-pools", TestServer.ProjectB), Wire.PoolRequest());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("WKS.00010099", error.Code());
        Assert.Contains("service-authorization", error.Message(), StringComparison.Ordinal);

        var (granted, grant) = await clientB.PostJsonAsync(Wire.Path("service-authorization", TestServer.ProjectB), null);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.True(grant.GetProperty("authorized").GetBoolean());
        var job = await clientB.WaitForJobAsync(await clientB.CreatePoolAsync(Wire.PoolRequest(), TestServer.ProjectB), TestServer.ProjectB);
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Job_ShowsProgressWhileRunning_AndPoolIsTemporary()
    {
        await using var slow = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:01",
            ["Deskpool:Jobs:MaxParallelism"] = "1",
            ["Deskpool:Jobs:BatchSize"] = "1",
        });

        var jobId = await slow.Client.CreatePoolAsync(Wire.PoolRequest("slow", 3));

        // Desktops boot one after another, a second each: watch until one is ready and the others are not.
        var seen = false;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!seen && DateTime.UtcNow < deadline)
        {
            var (_, job) = await slow.Client.GetJsonAsync(Wire.Path($"workspace-jobs/{jobId}"));
            if (job.GetProperty("status").GetString() != "RUNNING")
            {
                Assert.Equal("WAITING", job.GetProperty("status").GetString());
            }
            else if (job.GetProperty("success_num").GetInt32() is >= 1 and < 3)
            {
                Assert.InRange(job.GetProperty("process").GetInt32(), 1, 99);
                Assert.Equal("TEMPORARY", (await slow.Client.PoolByNameAsync("slow")).GetProperty("status").GetString());
                seen = true;
            }

            await Task.Delay(20);
        }

        Assert.True(seen, "the job should have been seen running with part of its desktops ready");
        var done = await slow.Client.WaitForJobAsync(jobId);
        Assert.Equal("SUCCESS", done.GetProperty("status").GetString());
        Assert.Equal("STEADY", (await slow.Client.PoolByNameAsync("slow")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task SubJobs_AreListedByJobAndPool()
    {
        var jobId = await _server.Client.CreatePoolAsync(Wire.PoolRequest("listed", 3));
        await _server.Client.WaitForJobAsync(jobId);
        var pool = await _server.Client.PoolByNameAsync("listed");

        var (_, page) = await _server.Client.GetJsonAsync(
            Wire.Path($"workspace-sub-jobs?job_id={jobId}&desktop_pool_id={pool.GetProperty("id").GetString()}"));

        Assert.Equal(3, page.GetProperty("total_count").GetInt32());
        Assert.All(page.GetProperty("jobs").EnumerateArray(), s =>
        {
            Assert.Equal("SUCCESS", s.GetProperty("status").GetString());
            Assert.Equal("createDesktops", s.GetProperty("job_type").GetString());
        });
    }

    [Fact]
    public async Task EmptyPool_IsCreatedAtOnce_AndCanBeDeleted()
    {
        var request = Wire.PoolRequest("empty", size: 0);
        var job = await _server.Client.WaitForJobAsync(await _server.Client.CreatePoolAsync(request));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());

        var pool = await _server.Client.PoolByNameAsync("empty");
        var (deleted, _) = await _server.Client.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{pool.GetProperty("id")}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (missing, error) = await _server.Client.GetJsonAsync(Wire.Path($"desktop-pools/{pool.GetProperty("id")}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("WKS.00020404", error.Code());
    }

    [Fact]
    public async Task PoolName_IsFreeAgain_AfterPoolDeleted()
    {
        await _server.Client.WaitForJobAsync(await _server.Client.CreatePoolAsync(Wire.PoolRequest("reused", 0)));
        var pool = await _server.Client.PoolByNameAsync("reused");
        await _server.Client.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{pool.GetProperty("id")}"));

        var job = await _server.Client.WaitForJobAsync(await _server.Client.CreatePoolAsync(Wire.PoolRequest("reused", 1)));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
    }
}
