using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>What happens to a pool after it is bought: grow, power actions, desktop deletion, pool deletion.</summary>
public sealed class PoolLifecycleTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Expand_AddsDesktops_ContinuingTheNames()
    {
        var poolId = await BuyAsync("grow", 2);

        var (response, body) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), new { size = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = await Client.WaitForJobAsync(body.GetProperty("job_id").GetString()!);
        Assert.Equal("expandDesktopPool", job.GetProperty("job_type").GetString());
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        var names = (await Client.DesktopsAsync(poolId)).Select(d => d.GetProperty("computer_name").GetString()).Order();
        Assert.Equal(["grow0001", "grow0002", "grow0003", "grow0004", "grow0005"], names);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Expand_OutsideOneToAThousand_IsRefused(int size)
    {
        var poolId = await BuyAsync($"grow-bad{size}", 0);

        var (response, error) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), new { size });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0003", error.Code());
        Assert.Equal("size", error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Expand_UnknownPool_IsNotFound()
    {
        var (response, error) = await Client.PostJsonAsync(Wire.Path("desktop-pools/no-such-pool/expand"), new { size = 1 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("WKS.00020404", error.Code());
    }

    [Fact]
    public async Task PowerActions_MoveEveryDesktopThroughItsStates()
    {
        var poolId = await BuyAsync("power", 2);

        await ActAsync(poolId, "os-stop");
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("SHUTOFF", d.GetProperty("status").GetString()));

        await ActAsync(poolId, "os-start");
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));

        await ActAsync(poolId, "hibernate");
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("HIBERNATED", d.GetProperty("status").GetString()));

        await ActAsync(poolId, "os-start");
        await ActAsync(poolId, "reboot", "HARD");
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task StartOnRunningDesktops_SucceedsWithoutWork_AndRebootOfStoppedFailsPerDesktop()
    {
        var poolId = await BuyAsync("idempotent", 2);

        var start = await ActAsync(poolId, "os-start");
        Assert.Equal("SUCCESS", start.GetProperty("status").GetString());

        await ActAsync(poolId, "os-stop");
        var reboot = await ActAsync(poolId, "reboot");
        Assert.Equal("FAIL", reboot.GetProperty("status").GetString());
        Assert.All(reboot.GetProperty("sub_jobs").EnumerateArray(), s =>
        {
            Assert.Equal("WKS.00010032", s.GetProperty("error_code").GetString());
            Assert.Contains("needs a desktop that is running", s.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("{\"op_type\":\"explode\"}", "op_type")]
    [InlineData("{\"op_type\":\"os-stop\",\"type\":\"GENTLE\"}", "type")]
    [InlineData("{}", "op_type")]
    public async Task Action_WithBadOpTypeOrMode_IsRefused(string body, string field)
    {
        var poolId = await BuyAsync("bad-action" + field.Length + body.Length, 0);

        var (response, error) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/action"), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task DeletePool_WithDesktops_IsRefused_UntilTheyAreDeleted()
    {
        var poolId = await BuyAsync("doomed", 2);

        var (refused, error) = await Client.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{poolId}"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("WKS.00010032", error.Code());
        Assert.Contains("2 desktop(s)", error.Message(), StringComparison.Ordinal);

        var ids = (await Client.DesktopsAsync(poolId)).Select(d => d.GetProperty("desktop_id").GetString()).ToArray();
        var (_, deletion) = await Client.PostJsonAsync(Wire.Path("desktops/batch-delete"), new { desktop_ids = ids });
        var job = await Client.WaitForJobAsync(deletion.GetProperty("job_id").GetString()!);
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        Assert.Empty(await Client.DesktopsAsync(poolId));
        Assert.Equal(0, _server.Driver.CountMachines());

        var (deleted, _) = await Client.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{poolId}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task DeletedDesktops_GiveTheirAddressesBack_ButNeverTheirNames()
    {
        var poolId = await BuyAsync("recycle", 2);
        var before = await Client.DesktopsAsync(poolId);
        var ids = before.Select(d => d.GetProperty("desktop_id").GetString()).ToArray();
        var (_, deletion) = await Client.PostJsonAsync(Wire.Path("desktops/batch-delete"), new { desktop_ids = ids });
        await Client.WaitForJobAsync(deletion.GetProperty("job_id").GetString()!);

        var (_, expand) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), new { size = 2 });
        await Client.WaitForJobAsync(expand.GetProperty("job_id").GetString()!);

        var after = await Client.DesktopsAsync(poolId);
        Assert.Equal(before.Select(Address).Order(), after.Select(Address).Order());
        Assert.Empty(before.Select(Name).Intersect(after.Select(Name)));
    }

    [Fact]
    public async Task BatchDelete_UnknownDesktop_IsNotFound_AndDeletesNothing()
    {
        var poolId = await BuyAsync("keep", 1);
        var id = (await Client.DesktopsAsync(poolId)).Single().GetProperty("desktop_id").GetString();

        var (response, error) = await Client.PostJsonAsync(Wire.Path("desktops/batch-delete"), new { desktop_ids = new[] { id, "ghost" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("WKS.00030404", error.Code());
        Assert.Single(await Client.DesktopsAsync(poolId));
    }

    [Fact]
    public async Task ListPools_FiltersAndPages()
    {
        await BuyAsync("list-dyn-1", 0);
        await BuyAsync("list-dyn-2", 0);
        var staticPool = Wire.PoolRequest("list-static", 0);
        staticPool["type"] = "STATIC";
        staticPool.Remove("disconnected_retention_period");
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(staticPool));

        var (_, byType) = await Client.GetJsonAsync(Wire.Path("desktop-pools?type=STATIC"));
        var (_, byName) = await Client.GetJsonAsync(Wire.Path("desktop-pools?name=list-dyn"));
        var (_, paged) = await Client.GetJsonAsync(Wire.Path("desktop-pools?name=list&limit=2&offset=1"));

        Assert.Equal(["list-static"], Names(byType));
        Assert.Equal(2, byName.GetProperty("total_count").GetInt32());
        Assert.Equal(3, paged.GetProperty("total_count").GetInt32());
        Assert.Equal(2, paged.GetProperty("desktop_pools").GetArrayLength());
    }

    [Fact]
    public async Task PoolDesktops_FilterByStatusAndName_AndSort()
    {
        var poolId = await BuyAsync("sorted", 3);

        var (_, active) = await Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/desktops?status=ACTIVE&sort_field=computer_name&sort_type=DESC"));
        var (_, errors) = await Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/desktops?status=ERROR"));
        var (_, one) = await Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/desktops?computer_name=sorted0002"));

        Assert.Equal(["sorted0003", "sorted0002", "sorted0001"],
            active.GetProperty("pool_desktops").EnumerateArray().Select(Name));
        Assert.Equal(0, errors.GetProperty("total_count").GetInt32());
        Assert.Equal(1, one.GetProperty("total_count").GetInt32());
    }

    private async Task<string> BuyAsync(string name, int size)
    {
        var job = await Client.WaitForJobAsync(await Client.CreatePoolAsync(Wire.PoolRequest(name, size)));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        return (await Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> ActAsync(string poolId, string opType, string mode = "SOFT")
    {
        var (response, body) = await Client.PostJsonAsync(
            Wire.Path($"desktop-pools/{poolId}/action"), new { op_type = opType, type = mode });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Client.WaitForJobAsync(body.GetProperty("job_id").GetString()!);
    }

    private static string? Name(JsonElement desktop) => desktop.GetProperty("computer_name").GetString();

    private static string? Address(JsonElement desktop) => desktop.GetProperty("ipv4").GetString();

    private static List<string?> Names(JsonElement list) =>
        list.GetProperty("desktop_pools").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
}
