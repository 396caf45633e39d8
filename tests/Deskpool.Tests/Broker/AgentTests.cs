using System.Net;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Broker;

/// <summary>The desktop-side session API: an agent redeems tickets and reports the session's life.</summary>
public sealed class AgentTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private TestServer _server = null!;

    private HttpClient Admin => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_ticket_is_redeemed_once_by_the_desktop_it_was_issued_for()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("agent-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var (_, connect) = await alice.ConnectAsync(poolId);
        var desktopId = connect.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        var ticket = connect.GetProperty("connection").GetProperty("ticket").GetString();
        var agent = await AgentAsync(desktopId);

        var (first, session) = await ReportAsync(agent, desktopId, new { type = "connect", ticket });
        var (second, error) = await ReportAsync(agent, desktopId, new { type = "connect", ticket });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("alice", session.GetProperty("user_name").GetString());
        Assert.Equal("CONNECTED", session.GetProperty("session_state").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal("WKS.0029", error.Code());
    }

    [Fact]
    public async Task An_expired_ticket_or_a_wrong_key_is_refused()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("expire-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var (_, connect) = await alice.ConnectAsync(poolId);
        var desktopId = connect.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        var ticket = connect.GetProperty("connection").GetProperty("ticket").GetString();
        var agent = await AgentAsync(desktopId);

        var (wrongKey, wrongKeyError) = await ReportAsync("dkp_not-the-key", desktopId, new { type = "heartbeat" });
        _clock.Advance(TimeSpan.FromSeconds(61));
        var (expired, expiredError) = await ReportAsync(agent, desktopId, new { type = "connect", ticket });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal("APIG.0301", wrongKeyError.Code());
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("WKS.0029", expiredError.Code());
    }

    [Fact]
    public async Task The_agent_drives_disconnect_and_logoff_like_the_user_does()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("agent-life", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        var agent = await AgentAsync(desktopId);

        var (disconnected, state) = await ReportAsync(agent, desktopId, new { type = "disconnect" });
        var listed = (await Admin.DesktopsAsync(poolId)).Single();
        var (loggedOff, _) = await ReportAsync(agent, desktopId, new { type = "logoff" });
        await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        var (unknownType, typeError) = await ReportAsync(agent, desktopId, new { type = "reboot" });

        Assert.Equal(HttpStatusCode.OK, disconnected.StatusCode);
        Assert.Equal("DISCONNECTED", state.GetProperty("session_state").GetString());
        Assert.NotNull(listed.Optional("release_at"));
        Assert.Equal(HttpStatusCode.OK, loggedOff.StatusCode);
        Assert.Equal(1, _server.Driver.Resets(desktopId));
        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.Equal("type", typeError.GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_session_whose_agent_falls_silent_counts_as_disconnected_from_then()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("silent-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        var agent = await AgentAsync(desktopId);
        await ReportAsync(agent, desktopId, new { type = "heartbeat" });
        var lastHeard = _clock.GetUtcNow();

        _clock.Advance(TimeSpan.FromMinutes(2));
        await _server.FireTimersAsync();
        var stillConnected = (await Admin.DesktopsAsync(poolId)).Single();
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _server.FireTimersAsync();
        var silent = (await Admin.DesktopsAsync(poolId)).Single();

        Assert.Equal("CONNECTED", stillConnected.GetProperty("login_status").GetString());
        Assert.Equal("DISCONNECTED", silent.GetProperty("login_status").GetString());
        Assert.Equal(Mails.WireTime(lastHeard + TimeSpan.FromMinutes(3) + TimeSpan.FromMinutes(60)), silent.Optional("release_at"));
    }

    private async Task<string> AgentAsync(string desktopId)
    {
        var (response, body) = await Admin.PostJsonAsync(Wire.Path($"desktops/{desktopId}/agent-key"), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return body.GetProperty("agent_key").GetString()!;
    }

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> ReportAsync(
        string key, string desktopId, object report)
    {
        var client = _server.ClientFor(null);
        client.DefaultRequestHeaders.Add("X-Agent-Key", key);
        return client.PostJsonAsync($"/v2/desktop-agent/{desktopId}/events", report);
    }
}
