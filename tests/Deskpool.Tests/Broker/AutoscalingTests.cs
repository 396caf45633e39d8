using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Core.Broker;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Broker;

/// <summary>Both kinds of autoscaling, their caps (maximum, quota), failures and recorded decisions.</summary>
public sealed class AutoscalingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private readonly List<TestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Pre_create_follows_the_worked_example_threshold_5_batch_10_maximum_10()
    {
        var server = await StartAsync();
        var poolId = await server.Client.ReadyPoolAsync(PreCreatePool("worked-pool", size: 5, threshold: 5, batch: 10, maximum: 10));
        var users = await UsersAsync(server, poolId, 11);

        await users[0].ConnectReadyAsync(poolId);
        await WaitForDesktopsAsync(server, poolId, 15, ready: 14);
        foreach (var user in users.Skip(1))
        {
            await user.ConnectReadyAsync(poolId);
        }

        await EvaluateAsync(server, poolId);
        var decisions = await DecisionsAsync(server, poolId);
        var desktops = await server.Client.DesktopsAsync(poolId);

        Assert.Equal(15, desktops.Count);
        Assert.Equal(10, desktops.Count(d => d.GetProperty("is_on_demand").GetBoolean()));
        var created = decisions.Where(d => d.GetProperty("created").GetInt32() > 0).ToList();
        Assert.Single(created);
        Assert.Equal(10, created[0].GetProperty("created").GetInt32());
        Assert.Equal(4, created[0].GetProperty("idle").GetInt32());
        Assert.Contains(decisions, d => d.GetProperty("reason").GetString()!.Contains("maximum of 10 auto-created desktops reached"));
    }

    [Fact]
    public async Task Desktops_still_being_created_count_as_idle_and_toward_the_maximum()
    {
        // A boot that never ends on the fake clock keeps the scaler's desktops in creation.
        var server = await StartAsync(new() { ["Deskpool:Drivers:Simulated:BootTime"] = "00:10:00" }, workers: false);
        var poolId = await PoolWithoutWaitingAsync(server, PreCreatePool("creating-pool", size: 0, threshold: 3, batch: 2, maximum: 5));

        var first = await EvaluateAsync(server, poolId);
        var second = await EvaluateAsync(server, poolId);
        var third = await EvaluateAsync(server, poolId);
        var fourth = await EvaluateAsync(server, poolId);

        Assert.Equal([2, 2, 0, 0], new[] { first, second, third, fourth });
        Assert.Equal(4, (await server.Client.DesktopsAsync(poolId)).Count(d => d.GetProperty("status").GetString() == "BUILD"));
    }

    [Fact]
    public async Task Two_scalers_deciding_at_once_never_overshoot_the_maximum()
    {
        var server = await StartAsync(new() { ["Deskpool:Drivers:Simulated:BootTime"] = "00:10:00" }, workers: false);
        var poolId = await PoolWithoutWaitingAsync(server, PreCreatePool("twin-pool", size: 0, threshold: 50, batch: 7, maximum: 30));

        for (var round = 0; round < 6; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => EvaluateAsync(server, poolId)));
        }

        Assert.Equal(30, (await server.Client.DesktopsAsync(poolId)).Count);
    }

    [Fact]
    public async Task A_bind_makes_the_scaler_create_at_once_without_waiting_for_its_periodic_pass()
    {
        var server = await StartAsync(new() { ["Deskpool:Broker:PollInterval"] = "01:00:00" });
        var poolId = await server.Client.ReadyPoolAsync(PreCreatePool("event-pool", size: 2, threshold: 2, batch: 1, maximum: 3));
        var alice = await server.NewSignedInAsync(poolId, "alice");

        await alice.ConnectReadyAsync(poolId);

        await WaitForDesktopsAsync(server, poolId, 3, ready: 3);
        Assert.Contains(await DecisionsAsync(server, poolId), d => d.GetProperty("trigger").GetString() == "bind");
    }

    [Fact]
    public async Task Created_upon_access_makes_a_desktop_for_the_user_who_found_none_up_to_the_maximum()
    {
        var server = await StartAsync();
        var poolId = await PoolWithoutWaitingAsync(server, AccessPool("access-pool", size: 0, maximum: 2));
        var users = await UsersAsync(server, poolId, 3);

        var (preparing, prepared) = await users[0].ConnectAsync(poolId);
        var desktopId = prepared.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        await server.Client.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var ready = await users[0].ConnectReadyAsync(poolId);
        await users[1].ConnectAsync(poolId);
        var (refused, error) = await users[2].ConnectAsync(poolId);

        Assert.Equal(HttpStatusCode.Accepted, preparing.StatusCode);
        Assert.Equal("PREPARING", prepared.GetProperty("status").GetString());
        Assert.NotNull(preparing.Headers.RetryAfter);
        Assert.Equal(desktopId, ready);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("WKS.0027", error.Code());
        Assert.Contains("maximum of 2", error.Message());
        Assert.Equal(2, (await server.Client.DesktopsAsync(poolId)).Count);
    }

    [Fact]
    public async Task Autoscaling_stops_at_the_project_quota()
    {
        var server = await StartAsync(new() { ["Deskpool:Tenancy:Projects:0:DesktopQuota"] = "3" });
        var poolId = await server.Client.ReadyPoolAsync(AccessPool("quota-pool", size: 2, maximum: 10));
        var users = await UsersAsync(server, poolId, 4);

        await users[0].ConnectReadyAsync(poolId);
        await users[1].ConnectReadyAsync(poolId);
        var (third, _) = await users[2].ConnectAsync(poolId);
        var (fourth, error) = await users[3].ConnectAsync(poolId);
        var (_, quotas) = await server.Client.GetJsonAsync(Wire.Path("quotas"));

        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.StatusCode);
        Assert.Contains("quota", error.Message());
        var desktops = quotas.GetProperty("quotas").GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == "general_instances");
        Assert.Equal(3, desktops.GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task Purchases_are_refused_beyond_the_vcpu_and_memory_quotas_and_the_quota_query_shows_all_three()
    {
        var server = await StartAsync(new()
        {
            ["Deskpool:Tenancy:Projects:0:CoreQuota"] = "10",
            ["Deskpool:Tenancy:Projects:0:MemoryQuotaGb"] = "1000",
        });
        await server.Client.ReadyPoolAsync(Wire.PoolRequest("cores-pool", 2));

        var (refused, error) = await server.Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest("too-many", 4));
        var (_, quotas) = await server.Client.GetJsonAsync(Wire.Path("quotas"));
        var resources = quotas.GetProperty("quotas").GetProperty("resources").EnumerateArray()
            .ToDictionary(r => r.GetProperty("type").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("WKS.0008", error.Code());
        Assert.Equal("size", error.GetProperty("field").GetString());
        Assert.Contains("vCPU", error.Message());
        Assert.Equal(10, resources["cores"].GetProperty("quota").GetInt32());
        Assert.True(resources["cores"].GetProperty("used").GetInt32() > 0);
        Assert.Equal("GB", resources["Memory"].GetProperty("unit").GetString());
        Assert.Equal(2, resources["general_instances"].GetProperty("used").GetInt32());
    }

    [Fact]
    public async Task A_desktop_that_never_becomes_ready_is_cleaned_up_retried_with_back_off_and_repeated_failures_degrade_the_pool()
    {
        var server = await StartAsync(new()
        {
            ["Deskpool:Drivers:Simulated:NeverReadyImageIds:0"] = Wire.WindowsImage,
            ["Deskpool:Jobs:ReadinessTimeout"] = "00:10:00",
            ["Deskpool:Broker:ScaleBackoff"] = "00:01:00",
            ["Deskpool:Broker:PollInterval"] = "01:00:00",
        });
        var poolId = await PoolWithoutWaitingAsync(server, AccessPool("never-pool", size: 0, maximum: 5));
        var alice = await server.NewSignedInAsync(poolId, "alice");

        for (var failure = 1; failure <= 3; failure++)
        {
            var (preparing, _) = await alice.ConnectAsync(poolId);
            Assert.Equal(HttpStatusCode.Accepted, preparing.StatusCode);
            await Task.Delay(200);
            _clock.Advance(TimeSpan.FromMinutes(11));
            await WaitUntilAsync(async () => (await server.Client.DesktopsAsync(poolId))
                .Any(d => d.GetProperty("status").GetString() == "ERROR"));
            var failed = (await server.Client.DesktopsAsync(poolId)).Single(d => d.GetProperty("status").GetString() == "ERROR");
            Assert.Equal("WKS.00100006", failed.GetProperty("error_code").GetString());

            await CleanUpAsync(server);
            await WaitUntilAsync(async () => (await server.Client.DesktopsAsync(poolId)).Count == 0);
            var (waiting, waitError) = await alice.ConnectAsync(poolId);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
            Assert.Equal("WKS.0027", waitError.Code());
            _clock.Advance(TimeSpan.FromMinutes(5));
        }

        var (_, view) = await server.Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/scaling-decisions?limit=100"));
        var (degraded, degradedError) = await alice.ConnectAsync(poolId);
        var (resumed, _) = await server.Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/scaling/resume"), null);
        var (again, _) = await alice.ConnectAsync(poolId);

        Assert.True(view.GetProperty("scaling").GetProperty("degraded").GetBoolean());
        Assert.Contains("did not become ready", view.GetProperty("scaling").GetProperty("degraded_reason").GetString());
        Assert.Equal(3, view.GetProperty("scaling").GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, degraded.StatusCode);
        Assert.Contains("degraded", degradedError.Message());
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    private static JsonObject PreCreatePool(string name, int size, int threshold, int batch, int maximum)
    {
        var request = Wire.PoolRequest(name, size);
        request["enable_autoscale"] = true;
        request["autoscale_policy"] = new JsonObject
        {
            ["autoscale_type"] = "AUTO_CREATED",
            ["min_idle"] = threshold,
            ["once_auto_created"] = batch,
            ["max_auto_created"] = maximum,
        };
        return request;
    }

    private static JsonObject AccessPool(string name, int size, int maximum)
    {
        var request = Wire.PoolRequest(name, size);
        request["enable_autoscale"] = true;
        request["autoscale_policy"] = new JsonObject { ["autoscale_type"] = "ACCESS_CREATED", ["max_auto_created"] = maximum };
        return request;
    }

    private async Task<TestServer> StartAsync(Dictionary<string, string?>? extra = null, bool workers = true)
    {
        var settings = new Dictionary<string, string?> { ["Deskpool:Broker:PollInterval"] = "00:00:00.200" };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        if (!workers)
        {
            settings["Deskpool:RunWorkers"] = "false";
        }

        var server = await TestServer.StartAsync(settings, time: _clock);
        _servers.Add(server);
        return server;
    }

    private static async Task<string> PoolWithoutWaitingAsync(TestServer server, JsonObject request)
    {
        await server.Client.CreatePoolAsync(request);
        return (await server.Client.PoolByNameAsync(request["name"]!.GetValue<string>())).GetProperty("id").GetString()!;
    }

    private static async Task<List<EndUserClient>> UsersAsync(TestServer server, string poolId, int count)
    {
        var users = new List<EndUserClient>();
        for (var i = 0; i < count; i++)
        {
            users.Add(await server.NewSignedInAsync(poolId, $"user{i}"));
        }

        return users;
    }

    private static async Task<int> EvaluateAsync(TestServer server, string poolId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Autoscaler>().EvaluateAsync(poolId, "test", CancellationToken.None);
    }

    private static async Task CleanUpAsync(TestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Autoscaler>().CleanUpFailuresAsync(CancellationToken.None);
    }

    private static async Task<List<JsonElement>> DecisionsAsync(TestServer server, string poolId)
    {
        var (response, body) = await server.Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/scaling-decisions?limit=100"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body.GetProperty("decisions").EnumerateArray().ToList();
    }

    private static async Task WaitForDesktopsAsync(TestServer server, string poolId, int total, int ready)
    {
        await WaitUntilAsync(async () =>
        {
            var desktops = await server.Client.DesktopsAsync(poolId);
            return desktops.Count == total && desktops.Count(d => d.GetProperty("status").GetString() == "ACTIVE") >= ready;
        });
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(50);
        }
    }
}
