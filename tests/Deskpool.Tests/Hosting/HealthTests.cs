using System.Net;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Hosting;

/// <summary>What a load balancer or an orchestrator asks a node: is it alive, and may it take traffic.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_AnswersOk_WithoutAToken()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.ClientFor(null);

        using var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_WithTheDatabaseAnswering_AnswersOk_AndNamesTheDatabaseCheck()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = server.ClientFor(null);

        var (response, body) = await anonymous.GetJsonAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [PostgresFact]
    public async Task Readyz_WhenTheDatabaseIsGone_Answers503_WhileHealthzStaysOk()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:RunWorkers"] = "false",
        });
        using var anonymous = server.ClientFor(null);

        TestDatabase.Drop(server.DataDirectory);
        var (ready, body) = await anonymous.GetJsonAsync("/readyz");
        using var alive = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Contains("cannot be reached", database.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
