using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Broker;

/// <summary>Binding, reconnecting, the retention timer and the reset it brings, on a fake clock.</summary>
public sealed class BindingLifecycleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private readonly string _dataDirectory = TestServer.NewDataDirectory();
    private TestServer _server = null!;

    private HttpClient Admin => _server.Client;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Connect_binds_an_idle_ready_desktop_and_hands_out_its_connection_with_a_ticket()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("bind-pool", 2));
        var alice = await _server.NewSignedInAsync(poolId, "alice");

        var (response, body) = await alice.ConnectAsync(poolId);
        var desktop = await DesktopAsync(poolId, body.GetProperty("desktop").GetProperty("desktop_id").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("READY", body.GetProperty("status").GetString());
        var connection = body.GetProperty("connection");
        Assert.Equal("RDP", connection.GetProperty("protocol").GetString());
        Assert.Equal(desktop.GetProperty("ipv4").GetString(), connection.GetProperty("host").GetString());
        Assert.Equal(3389, connection.GetProperty("port").GetInt32());
        Assert.StartsWith("dkp_", connection.GetProperty("ticket").GetString());
        Assert.Equal("alice", desktop.GetProperty("user_name").GetString());
        Assert.Equal("ATTACHED", desktop.GetProperty("attach_state").GetString());
        Assert.Equal("CONNECTED", desktop.GetProperty("login_status").GetString());
        Assert.Equal(1, (await Admin.PoolByNameAsync("bind-pool")).GetProperty("desktop_used").GetInt32());
    }

    [Fact]
    public async Task Reconnecting_returns_the_same_desktop_and_different_users_get_different_desktops()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("same-pool", 2));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var bob = await _server.NewSignedInAsync(poolId, "bob");

        var first = await alice.ConnectReadyAsync(poolId);
        var again = await alice.ConnectReadyAsync(poolId);
        var bobs = await bob.ConnectReadyAsync(poolId);

        Assert.Equal(first, again);
        Assert.NotEqual(first, bobs);
    }

    [Fact]
    public async Task A_user_connecting_three_times_at_once_gets_one_desktop()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("thrice-pool", 3));
        var alice = await _server.NewSignedInAsync(poolId, "alice");

        var ids = await Task.WhenAll(alice.ConnectReadyAsync(poolId), alice.ConnectReadyAsync(poolId), alice.ConnectReadyAsync(poolId));

        Assert.Single(ids.Distinct());
        Assert.Single(await BoundAsync(poolId));
    }

    [Fact]
    public async Task When_the_retention_period_runs_out_the_desktop_is_unbound_reset_and_idle_again_once()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("retain-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);

        var (disconnected, _) = await alice.DisconnectAsync(poolId);
        var bound = await DesktopAsync(poolId, desktopId);
        _clock.Advance(TimeSpan.FromMinutes(59));
        var early = await _server.FireTimersAsync();
        _clock.Advance(TimeSpan.FromMinutes(2));
        var due = await _server.FireTimersAsync();
        var after = await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var again = await _server.FireTimersAsync();

        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        Assert.Equal("DISCONNECTED", bound.GetProperty("login_status").GetString());
        Assert.Equal(Mails.WireTime(_clock.GetUtcNow() - TimeSpan.FromMinutes(61) + TimeSpan.FromMinutes(60)),
            bound.GetProperty("release_at").GetString());
        Assert.Equal(0, early);
        Assert.Equal(1, due);
        Assert.Equal(0, again);
        Assert.Null(after.Optional("user_name"));
        Assert.Equal("UNATTACH", after.GetProperty("attach_state").GetString());
        Assert.Equal(1, _server.Driver.Resets(desktopId));

        // Idle again: the next user gets it.
        var bob = await _server.NewSignedInAsync(poolId, "bob");
        Assert.Equal(desktopId, await bob.ConnectReadyAsync(poolId));
    }

    [Fact]
    public async Task Reconnecting_inside_the_window_keeps_the_desktop_and_cancels_the_timer()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("window-pool", 2));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);

        _clock.Advance(TimeSpan.FromMinutes(30));
        var back = await alice.ConnectReadyAsync(poolId);
        _clock.Advance(TimeSpan.FromMinutes(45));
        var fired = await _server.FireTimersAsync();
        var desktop = await DesktopAsync(poolId, desktopId);

        Assert.Equal(desktopId, back);
        Assert.Equal(0, fired);
        Assert.Equal("alice", desktop.GetProperty("user_name").GetString());
        Assert.Null(desktop.Optional("release_at"));
        Assert.Equal(0, _server.Driver.Resets(desktopId));
    }

    [Fact]
    public async Task Idle_desktops_nobody_used_are_never_reset()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("idle-pool", 3));

        _clock.Advance(TimeSpan.FromDays(40));
        var fired = await _server.FireTimersAsync();

        Assert.Equal(0, fired);
        Assert.All(await Admin.DesktopsAsync(poolId), d =>
            Assert.Equal(0, _server.Driver.Resets(d.GetProperty("desktop_id").GetString()!)));
    }

    [Fact]
    public async Task Logging_off_a_dynamic_desktop_releases_and_resets_it_at_once()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("logoff-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);

        var (loggedOff, _) = await alice.LogoffAsync(poolId);
        await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var (again, error) = await alice.LogoffAsync(poolId);

        Assert.Equal(HttpStatusCode.NoContent, loggedOff.StatusCode);
        Assert.Equal(1, _server.Driver.Resets(desktopId));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("WKS.0028", error.Code());
    }

    [Fact]
    public async Task A_failed_reset_leaves_the_desktop_in_error_and_it_is_never_handed_out()
    {
        await _server.DisposeAsync();
        _server = await StartAsync(new() { ["Deskpool:Drivers:Simulated:FailingOperations:0"] = "reset" });
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("fail-reset-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);

        _clock.Advance(TimeSpan.FromMinutes(61));
        await _server.FireTimersAsync();
        var failed = await Admin.WaitForDesktopAsync(poolId, desktopId, "ERROR");
        var bob = await _server.NewSignedInAsync(poolId, "bob");
        var (response, error) = await bob.ConnectAsync(poolId);

        Assert.Contains("rebuild", failed.GetProperty("fail_reason").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("WKS.0027", error.Code());
        Assert.True(response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task A_pool_under_maintenance_hands_out_no_desktop()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("maint-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        await Admin.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{poolId}"), new { in_maintenance_mode = true });

        var (response, error) = await alice.ConnectAsync(poolId);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("WKS.0026", error.Code());
        Assert.Empty(await BoundAsync(poolId));
    }

    [Fact]
    public async Task A_retention_timer_survives_a_restart_in_the_middle_of_its_window_and_fires_once()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("restart-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);
        _clock.Advance(TimeSpan.FromMinutes(30));

        await _server.DisposeAsync();
        _server = await StartAsync(new() { ["Deskpool:Broker:PollInterval"] = "00:00:00.100" });
        var stillBound = await DesktopAsync(poolId, desktopId);
        _clock.Advance(TimeSpan.FromMinutes(31));
        await WaitUntilAsync(() => _server.Driver.Resets(desktopId) == 1);
        await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var manual = await _server.FireTimersAsync();

        Assert.Equal("alice", stillBound.GetProperty("user_name").GetString());
        Assert.Equal(0, manual);
        Assert.Equal(1, _server.Driver.Resets(desktopId));
    }

    [Fact]
    public async Task A_deadline_that_passed_while_the_server_was_down_fires_once_at_start_up()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("down-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);

        await _server.DisposeAsync();
        _clock.Advance(TimeSpan.FromHours(5));
        _server = await StartAsync(workers: true);
        await WaitUntilAsync(() => _server.Driver.Resets(desktopId) == 1);
        var desktop = await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");

        Assert.Equal("UNATTACH", desktop.GetProperty("attach_state").GetString());
        Assert.Equal(0, await _server.FireTimersAsync());
        Assert.Equal(1, _server.Driver.Resets(desktopId));
    }

    [Fact]
    public async Task A_static_desktop_stays_bound_through_disconnects_and_the_administrator_can_unassign_and_reassign_it()
    {
        var request = Wire.PoolRequest("static-pool", 1);
        request["type"] = "STATIC";
        request.Remove("disconnected_retention_period");
        var poolId = await Admin.ReadyPoolAsync(request);
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var bobId = await Admin.CreateAsync("bob");
        await Admin.AuthorizeAsync(poolId, [(bobId, "bob")]);

        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);
        await alice.LogoffAsync(poolId);
        _clock.Advance(TimeSpan.FromDays(100));
        var fired = await _server.FireTimersAsync();
        var kept = await DesktopAsync(poolId, desktopId);
        var (busy, busyError) = await Admin.PostJsonAsync(
            Wire.Path($"desktop-pools/{poolId}/desktops/{desktopId}/assign"), new { user_name = "bob" });
        var (unassigned, _) = await Admin.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/desktops/{desktopId}/unassign"), null);
        await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var (assigned, binding) = await Admin.PostJsonAsync(
            Wire.Path($"desktop-pools/{poolId}/desktops/{desktopId}/assign"), new { user_name = "bob" });
        var bob = await _server.SignInAsync("bob", bobId);

        Assert.Equal(0, fired);
        Assert.Equal("alice", kept.GetProperty("user_name").GetString());
        Assert.Null(kept.Optional("release_at"));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("WKS.0030", busyError.Code());
        Assert.Equal(HttpStatusCode.NoContent, unassigned.StatusCode);
        Assert.Equal(1, _server.Driver.Resets(desktopId));
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal("bob", binding.GetProperty("user_name").GetString());
        Assert.Equal(desktopId, await bob.ConnectReadyAsync(poolId));
        var aliceAgain = await _server.SignInAsync("alice", alice.UserId);
        var (_, aliceAnswer) = await aliceAgain.ConnectAsync(poolId);
        var (_, expired) = await alice.ConnectAsync(poolId);
        Assert.Equal("WKS.0027", aliceAnswer.Code());
        Assert.Equal("APIG.0301", expired.Code());
    }

    [Fact]
    public async Task Assigning_in_a_dynamic_pool_or_to_an_unauthorised_user_is_refused()
    {
        var dynamicPool = await Admin.ReadyPoolAsync(Wire.PoolRequest("dyn-assign", 1));
        var staticRequest = Wire.PoolRequest("stat-assign", 1);
        staticRequest["type"] = "STATIC";
        staticRequest.Remove("disconnected_retention_period");
        var staticPool = await Admin.ReadyPoolAsync(staticRequest);
        await Admin.CreateAsync("carol");
        var dynamicDesktop = (await Admin.DesktopsAsync(dynamicPool))[0].GetProperty("desktop_id").GetString();
        var staticDesktop = (await Admin.DesktopsAsync(staticPool))[0].GetProperty("desktop_id").GetString();

        var (dynamicAnswer, dynamicError) = await Admin.PostJsonAsync(
            Wire.Path($"desktop-pools/{dynamicPool}/desktops/{dynamicDesktop}/assign"), new { user_name = "carol" });
        var (unauthorised, unauthorisedError) = await Admin.PostJsonAsync(
            Wire.Path($"desktop-pools/{staticPool}/desktops/{staticDesktop}/assign"), new { user_name = "carol" });
        var (unassignFree, unassignError) = await Admin.PostJsonAsync(
            Wire.Path($"desktop-pools/{staticPool}/desktops/{staticDesktop}/unassign"), new { reset = false });

        Assert.Equal(HttpStatusCode.Conflict, dynamicAnswer.StatusCode);
        Assert.Equal("WKS.0006", dynamicError.Code());
        Assert.Equal(HttpStatusCode.Conflict, unauthorised.StatusCode);
        Assert.Contains("not authorised", unauthorisedError.Message());
        Assert.Equal(HttpStatusCode.Conflict, unassignFree.StatusCode);
        Assert.Equal("WKS.0028", unassignError.Code());
    }

    private Task<TestServer> StartAsync(Dictionary<string, string?>? extra = null, bool workers = true)
    {
        // The timer worker runs its first round at start-up and then sleeps, so that the tests'
        // own timer rounds are the ones that fire (and can be counted); the tests of the worker
        // itself ask for a short poll.
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:Broker:PollInterval"] = "01:00:00",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        if (!workers)
        {
            settings["Deskpool:RunWorkers"] = "false";
        }

        return TestServer.StartAsync(settings, _dataDirectory, _clock);
    }

    private async Task<JsonElement> DesktopAsync(string poolId, string desktopId) =>
        (await Admin.DesktopsAsync(poolId)).Single(d => d.GetProperty("desktop_id").GetString() == desktopId);

    private async Task<List<JsonElement>> BoundAsync(string poolId) =>
        (await Admin.DesktopsAsync(poolId)).Where(d => d.GetProperty("attach_state").GetString() == "ATTACHED").ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(50);
        }
    }
}
