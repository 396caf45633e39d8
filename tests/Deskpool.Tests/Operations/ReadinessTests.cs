using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class ReadinessTests
{
    [Fact]
    public async Task Liveness_and_readiness_are_green_on_a_healthy_node()
    {
        await using var server = await TestServer.StartAsync();
        var anonymous = server.ClientFor(null);

        var (live, _) = await anonymous.GetJsonAsync("/healthz");
        var (ready, body) = await anonymous.GetJsonAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("workers").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("drivers").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_worker_without_a_successful_loop_past_the_stall_limit_turns_readiness_red_naming_it()
    {
        // The broker's workers poll hourly; the job worker every 50 ms. When an hour and more passes
        // on the clock without the broker workers looping, they count as stalled; the job worker
        // loops again at once and stays green.
        var clock = Mails.Clock();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Broker:PollInterval"] = "01:00:00",
            ["Deskpool:Health:StallLimit"] = "00:01:00",
        }, time: clock);
        var anonymous = server.ClientFor(null);
        var (before, _) = await anonymous.GetJsonAsync("/readyz");

        clock.Advance(TimeSpan.FromHours(2));
        var (after, body) = await WaitForAsync(anonymous, b => !Description(b).Contains("job (", StringComparison.Ordinal));
        var (live, _) = await anonymous.GetJsonAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Contains("broker timer (", Description(body), StringComparison.Ordinal);
        Assert.Contains("autoscaler (", Description(body), StringComparison.Ordinal);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private static string Description(JsonElement body) =>
        body.GetProperty("checks").GetProperty("workers").GetProperty("description").GetString()!;

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> WaitForAsync(
        HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (response, body) = await client.GetJsonAsync("/readyz");
            if (condition(body) || DateTime.UtcNow > deadline)
            {
                return (response, body);
            }

            await Task.Delay(50);
        }
    }
}
