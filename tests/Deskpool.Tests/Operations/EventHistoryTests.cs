using System.Net;
using System.Text.Json;
using Deskpool.Core.Events;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class EventHistoryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private TestServer _server = null!;

    private HttpClient Admin => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new Dictionary<string, string?> { ["Deskpool:Broker:PollInterval"] = "00:00:00.100" }, time: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_desktops_history_follows_it_through_bind_disconnect_retention_expiry_and_reset()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("history-pool", 1));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var desktopId = await alice.ConnectReadyAsync(poolId);
        await alice.DisconnectAsync(poolId);
        _clock.Advance(TimeSpan.FromMinutes(61));
        await _server.FireTimersAsync();
        await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");

        var (response, history) = await Admin.GetJsonAsync(Wire.Path($"desktops/{desktopId}/events"));
        var (_, expiries) = await Admin.GetJsonAsync(
            Wire.Path($"desktop-pools/{poolId}/events?kind=retention-expired&desktop_id={desktopId}"));
        var (_, page) = await Admin.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/events?limit=2&offset=1"));
        var (badKind, error) = await Admin.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/events?kind=exploded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = history.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["reset", "retention-expired", "disconnected", "bound", "created"], events.Select(Kind));
        Assert.Equal(5, history.GetProperty("total_count").GetInt32());
        Assert.Equal("alice", events[1].GetProperty("user_name").GetString());
        Assert.Contains("retention period expired", events[1].GetProperty("detail").GetString());
        Assert.Equal(events[0].GetProperty("job_id").GetString(), events[1].GetProperty("job_id").GetString());
        Assert.Contains("released at", events[2].GetProperty("detail").GetString());
        Assert.Equal(1, expiries.GetProperty("total_count").GetInt32());
        Assert.Equal(["retention-expired", "disconnected"], page.GetProperty("events").EnumerateArray().Select(Kind));
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("kind", error.Message());
    }

    [Fact]
    public async Task Events_older_than_the_retention_period_are_pruned()
    {
        var poolId = await Admin.ReadyPoolAsync(Wire.PoolRequest("pruned-pool", 1));
        _clock.Advance(TimeSpan.FromDays(91));

        await using var scope = _server.Services.CreateAsyncScope();
        var pruned = await scope.ServiceProvider.GetRequiredService<PoolEvents>().PruneAsync(CancellationToken.None);
        var (_, history) = await Admin.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/events"));

        Assert.Equal(1, pruned);
        Assert.Equal(0, history.GetProperty("total_count").GetInt32());
    }

    private static string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;
}
