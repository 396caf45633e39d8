using Deskpool.Tests.Support;

namespace Deskpool.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_show_desktops_by_state_bind_latency_job_steps_and_database_time()
    {
        var poolId = await _server.Client.ReadyPoolAsync(Wire.PoolRequest("metrics-pool", 3));
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var bob = await _server.NewSignedInAsync(poolId, "bob");
        await alice.ConnectReadyAsync(poolId);
        await bob.ConnectReadyAsync(poolId);
        await alice.ConnectReadyAsync(poolId);

        var metrics = await _server.ClientFor(null).MetricsAsync();

        Assert.Equal(3, Scrape.Value(metrics, "deskpool_desktops", ("state", "running")));
        Assert.Equal(1, Scrape.Value(metrics, "deskpool_pools", ("status", "steady")));
        Assert.Equal(3, Scrape.Value(metrics, "deskpool_broker_connect_duration_seconds_count", ("outcome", "ready")));
        Assert.Equal(3, Scrape.Value(metrics, "deskpool_job_step_duration_seconds_count",
            ("operation", "create"), ("outcome", "success")));
        Assert.Equal(0, Scrape.Value(metrics, "deskpool_mail_queue_depth", ("status", "sending")));
        Assert.True(Scrape.Value(metrics, "deskpool_db_command_duration_seconds_count", ("kind", "reader")) > 10);
    }

    [Fact]
    public async Task With_a_metrics_token_only_scrapes_that_send_it_are_answered()
    {
        await using var guarded = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Telemetry:MetricsToken"] = "scrape-secret",
        });
        using var client = guarded.ClientFor(null);

        async Task<System.Net.HttpStatusCode> ScrapeWithAsync(string? authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await ScrapeWithAsync(null));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await ScrapeWithAsync("Bearer scrape-secreT"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await ScrapeWithAsync("Bearer " + TestServer.TokenA));
        Assert.Equal(System.Net.HttpStatusCode.OK, await ScrapeWithAsync("Bearer scrape-secret"));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }
}
