using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// The project's desktop quota, and what a refused purchase leaves behind: nothing. Each test gets
/// its own server, with a quota of five desktops, because every test here counts the whole project.
/// </summary>
public sealed class PoolQuotaTests : IAsyncLifetime
{
    private const int Quota = 5;

    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Deskpool:Tenancy:Projects:0:DesktopQuota"] = $"{Quota}",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Create_BeyondTheQuota_IsRefusedNamingSize()
    {
        var reply = await Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest("greedy", Quota + 1));

        reply.AssertInvalid("WKS.0008", "size");
        Assert.Contains($"{Quota}", reply.Body.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UpToTheQuota_IsAccepted_ThenOneMoreIsRefused()
    {
        (await Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest("exact", Quota))).AssertAccepted();

        var reply = await Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest("one-more", 1));

        reply.AssertInvalid("WKS.0008", "size");
        Assert.Equal(Quota, await UsedAsync());
    }

    [Fact]
    public async Task ConcurrentPurchases_TogetherNeverPassTheQuota()
    {
        var replies = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
            Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest($"racer-{i}", 2))));

        var accepted = replies.Count(r => r.Response.IsSuccessStatusCode);
        Assert.Equal(Quota / 2, accepted);
        Assert.All(replies.Where(r => !r.Response.IsSuccessStatusCode), r => r.AssertInvalid("WKS.0008", "size"));
        Assert.Equal(accepted * 2, await UsedAsync());
    }

    [Fact]
    public async Task Expand_BeyondTheQuota_IsRefusedNamingSize()
    {
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(Wire.PoolRequest("grower", Quota - 1)));
        var poolId = (await Client.PoolByNameAsync("grower")).GetProperty("id").GetString();

        var refused = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), new { size = 2 });
        var accepted = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), new { size = 1 });

        refused.AssertInvalid("WKS.0008", "size");
        accepted.AssertAccepted();
    }

    [Theory]
    [InlineData("rule")]
    [InlineData("quota")]
    [InlineData("naming-policy")]
    [InlineData("names-used-up")]
    [InlineData("name-taken")]
    public async Task Create_WhenRefused_LeavesNoPoolNoDesktopAndNoJob(string reason)
    {
        (await Client.PostJsonAsync(Wire.Path("desktop-pools"), Wire.PoolRequest("first", 1))).AssertAccepted();
        var request = await RefusedRequestAsync(reason);
        var usedBefore = await UsedAsync();
        var subJobsBefore = await SubJobsAsync();
        var (_, poolsBefore) = await Client.GetJsonAsync(Wire.Path("desktop-pools"));

        var (response, _) = await Client.PostJsonAsync(Wire.Path("desktop-pools"), request);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"Expected a refusal: {(int)response.StatusCode}.");
        var (_, poolsAfter) = await Client.GetJsonAsync(Wire.Path("desktop-pools"));
        Assert.Equal(poolsBefore.GetProperty("total_count").GetInt32(),
            poolsAfter.GetProperty("total_count").GetInt32());
        Assert.Equal(usedBefore, await UsedAsync());
        Assert.Equal(1, await DesktopsInPoolsAsync());
        Assert.Equal(subJobsBefore, await SubJobsAsync());
    }

    private async Task<JsonObject> RefusedRequestAsync(string reason)
    {
        switch (reason)
        {
            case "rule":
                return Wire.PoolRequest("refused", 1).With("root_volume", """{"type":"SAS","size":85}""");
            case "quota":
                return Wire.PoolRequest("refused", Quota);
            case "naming-policy":
                var unknown = Wire.PoolRequest("refused", 1);
                unknown["desktop_name_policy_id"] = Guid.NewGuid().ToString();
                return unknown;
            case "names-used-up":
                // One digit starting at 9 names a single desktop (T9-9); two are asked for.
                var (_, policy) = await Client.PostJsonAsync(Wire.Path("desktop-name-policies"), new
                {
                    policy_name = "tiny",
                    name_prefix = "T9-",
                    digit_number = 1,
                    start_number = 9,
                    single_domain_user_inc = 0,
                });
                var exhausted = Wire.PoolRequest("refused", 2);
                exhausted["desktop_name_policy_id"] = policy.GetProperty("policy_id").GetString();
                return exhausted;
            default:
                return Wire.PoolRequest("first", 1);
        }
    }

    private async Task<int> UsedAsync()
    {
        var (_, quotas) = await Client.GetJsonAsync(Wire.Path("quotas"));
        var resource = Assert.Single(quotas.GetProperty("quotas").GetProperty("resources").EnumerateArray(),
            r => r.GetProperty("type").GetString() == "general_instances");
        Assert.Equal(Quota, resource.GetProperty("quota").GetInt32());
        return resource.GetProperty("used").GetInt32();
    }

    private async Task<int> SubJobsAsync()
    {
        var (_, page) = await Client.GetJsonAsync(Wire.Path("workspace-sub-jobs"));
        return page.GetProperty("total_count").GetInt32();
    }

    private async Task<int> DesktopsInPoolsAsync()
    {
        var (_, pools) = await Client.GetJsonAsync(Wire.Path("desktop-pools"));
        return pools.GetProperty("desktop_pools").EnumerateArray().Sum(p => p.GetProperty("desktop_count").GetInt32());
    }
}
