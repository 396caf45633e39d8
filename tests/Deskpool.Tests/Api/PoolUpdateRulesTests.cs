using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// Changing a pool (PUT /v2/{project_id}/desktop-pools/{pool_id}): what may change follows the
/// same rules as at purchase; what would rebuild desktops is refused with a pointer to the right
/// operation; a refused change changes nothing. Each test works on its own empty pool.
/// </summary>
public sealed class PoolUpdateRulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Update_WithNewName_RenamesThePool()
    {
        var poolId = await CreatePoolAsync();
        var name = ServerFixture.Unique("renamed");

        var (response, _) = await UpdateAsync(poolId, new { name });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(name, (await GetAsync(poolId)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Update_WithItsOwnName_IsAccepted()
    {
        var poolId = await CreatePoolAsync();
        var name = (await GetAsync(poolId)).GetProperty("name").GetString();

        var (response, _) = await UpdateAsync(poolId, new { name });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Update_WithNameOfAnotherPool_IsRefusedAsConflict()
    {
        var other = (await GetAsync(await CreatePoolAsync())).GetProperty("name").GetString();
        var poolId = await CreatePoolAsync();

        var reply = await UpdateAsync(poolId, new { name = other });

        reply.AssertRefused(HttpStatusCode.Conflict, "WKS.0009", "name");
    }

    [Theory]
    [InlineData("""{"name":""}""", "WKS.0002", "name")]
    [InlineData("""{"name":"a b"}""", "WKS.0004", "name")]
    [InlineData("""{"name":"pool\n"}""", "WKS.0004", "name")]
    [InlineData("""{"name":"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"}""", "WKS.0003", "name")]
    [InlineData("""{"tags":[{"key":"_sys_owner","value":"x"}]}""", "WKS.0004", "tags[0].key")]
    [InlineData("""{"tags":[{"key":"owner ","value":"x"}]}""", "WKS.0004", "tags[0].key")]
    [InlineData("""{"tags":[{"key":"\u3000owner","value":"x"}]}""", "WKS.0004", "tags[0].key")]
    [InlineData("""{"tags":[{"key":"a","value":"1"},{"key":"a","value":"2"}]}""", "WKS.0005", "tags[1].key")]
    [InlineData("""{"tags":[{"key":"k","value":"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"}]}""",
        "WKS.0003", "tags[0].value")]
    [InlineData("""{"disconnected_retention_period":9}""", "WKS.0003", "disconnected_retention_period")]
    [InlineData("""{"disconnected_retention_period":43201}""", "WKS.0003", "disconnected_retention_period")]
    [InlineData("""{"enterprise_project_id":"finance!"}""", "WKS.0004", "enterprise_project_id")]
    [InlineData("""{"availability_zone":"region-1z"}""", "WKS.0007", "availability_zone")]
    [InlineData("""{"desktop_name_policy_id":"00000000-0000-4000-8000-000000000000"}""", "WKS.0007",
        "desktop_name_policy_id")]
    [InlineData("""{"enable_autoscale":true}""", "WKS.0002", "autoscale_policy")]
    [InlineData("""
        {"enable_autoscale":true,"autoscale_policy":
         {"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":11,"max_auto_created":10}}
        """, "WKS.0006", "autoscale_policy.once_auto_created")]
    public async Task Update_BreakingRules_IsRefusedAndChangesNothing(string body, string code, string field)
    {
        var poolId = await CreatePoolAsync();
        var before = await GetAsync(poolId);

        (await UpdateAsync(poolId, body)).AssertInvalid(code, field);

        Assert.Equal(before.ToString(), (await GetAsync(poolId)).ToString());
    }

    [Fact]
    public async Task Update_WithValidNameButBadTag_ChangesNeitherField()
    {
        var poolId = await CreatePoolAsync();
        var before = await GetAsync(poolId);

        var reply = await UpdateAsync(poolId, """{"name":"fresh-name","tags":[{"key":"a/b","value":"x"}]}""");

        reply.AssertInvalid("WKS.0004", "tags[0].key");
        Assert.Equal(before.GetProperty("name").GetString(), (await GetAsync(poolId)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Update_WithDescriptionOf256Characters_IsRefused()
    {
        var poolId = await CreatePoolAsync();

        var reply = await UpdateAsync(poolId, new { description = new string('d', 256) });

        reply.AssertInvalid("WKS.0003", "description");
    }

    [Fact]
    public async Task Update_WithDescriptionOf255Characters_ChangesIt()
    {
        var poolId = await CreatePoolAsync();
        var description = new string('d', 255);

        (await UpdateAsync(poolId, new { description })).AssertOk();

        Assert.Equal(description, (await GetAsync(poolId)).GetProperty("description").GetString());
    }

    [Fact]
    public async Task Update_WithTags_ReplacesThem()
    {
        var poolId = await CreatePoolAsync("""[{"key":"old","value":"1"}]""");
        var tags = Requests.ArrayOf(20, i => new JsonObject { ["key"] = $"部门{i}", ["value"] = "a/b" });

        (await UpdateAsync(poolId, new JsonObject { ["tags"] = tags })).AssertOk();

        var stored = (await GetAsync(poolId)).GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(20, stored.Count);
        Assert.DoesNotContain(stored, t => t.GetProperty("key").GetString() == "old");
    }

    [Fact]
    public async Task Update_With21Tags_IsRefused()
    {
        var poolId = await CreatePoolAsync();
        var tags = Requests.ArrayOf(21, i => new JsonObject { ["key"] = $"k{i}", ["value"] = "v" });

        (await UpdateAsync(poolId, new JsonObject { ["tags"] = tags })).AssertInvalid("WKS.0003", "tags");
    }

    [Fact]
    public async Task Update_WithEmptyTags_ClearsThem()
    {
        var poolId = await CreatePoolAsync("""[{"key":"old","value":"1"}]""");

        (await UpdateAsync(poolId, """{"tags":[]}""")).AssertOk();

        Assert.Equal(0, (await GetAsync(poolId)).GetProperty("tags").GetArrayLength());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(43_200)]
    public async Task Update_DynamicPoolRetentionOnBoundary_ChangesIt(int minutes)
    {
        var poolId = await CreatePoolAsync();

        (await UpdateAsync(poolId, new { disconnected_retention_period = minutes })).AssertOk();

        Assert.Equal(minutes, (await GetAsync(poolId)).GetProperty("disconnected_retention_period").GetInt32());
    }

    [Fact]
    public async Task Update_StaticPoolRetention_IsRefused()
    {
        var poolId = await CreatePoolAsync(type: "STATIC");

        var reply = await UpdateAsync(poolId, new { disconnected_retention_period = 60 });

        reply.AssertInvalid("WKS.0005", "disconnected_retention_period");
    }

    [Fact]
    public async Task Update_MaintenanceMode_IsShownAndFiltered()
    {
        var poolId = await CreatePoolAsync();

        (await UpdateAsync(poolId, new { in_maintenance_mode = true })).AssertOk();

        Assert.True((await GetAsync(poolId)).GetProperty("in_maintenance_mode").GetBoolean());
        var (_, inMaintenance) = await _client.GetJsonAsync(Wire.Path("desktop-pools?in_maintenance_mode=true"));
        Assert.Contains(inMaintenance.GetProperty("desktop_pools").EnumerateArray(),
            p => p.GetProperty("id").GetString() == poolId);
        var (_, inService) = await _client.GetJsonAsync(Wire.Path("desktop-pools?in_maintenance_mode=false"));
        Assert.DoesNotContain(inService.GetProperty("desktop_pools").EnumerateArray(),
            p => p.GetProperty("id").GetString() == poolId);
    }

    [Fact]
    public async Task Update_NamingPolicy_SetsItAndEmptyStringClearsIt()
    {
        var poolId = await CreatePoolAsync();
        var policyId = await CreatePolicyAsync("upd");

        (await UpdateAsync(poolId, new { desktop_name_policy_id = policyId })).AssertOk();
        Assert.Equal(policyId, (await GetAsync(poolId)).GetProperty("desktop_name_policy_id").GetString());

        (await UpdateAsync(poolId, new { desktop_name_policy_id = "" })).AssertOk();
        Assert.False((await GetAsync(poolId)).TryGetProperty("desktop_name_policy_id", out _));
    }

    [Fact]
    public async Task Update_WithNamingPolicyEmbeddingTheUser_IsRefused()
    {
        var poolId = await CreatePoolAsync();
        var policyId = await CreatePolicyAsync("u$DomainUser$");

        var reply = await UpdateAsync(poolId, new { desktop_name_policy_id = policyId });

        reply.AssertInvalid("WKS.0006", "desktop_name_policy_id");
    }

    [Fact]
    public async Task Update_AvailabilityZone_SetsItAndEmptyStringClearsIt()
    {
        var poolId = await CreatePoolAsync();

        (await UpdateAsync(poolId, new { availability_zone = Wire.ZoneB })).AssertOk();
        Assert.Equal(Wire.ZoneB, (await GetAsync(poolId)).GetProperty("availability_zone").GetString());

        (await UpdateAsync(poolId, new { availability_zone = "" })).AssertOk();
        Assert.False((await GetAsync(poolId)).TryGetProperty("availability_zone", out _));
    }

    [Fact]
    public async Task Update_EnterpriseProjectId_ChangesIt()
    {
        var poolId = await CreatePoolAsync();

        (await UpdateAsync(poolId, new { enterprise_project_id = "finance_2026" })).AssertOk();

        Assert.Equal("finance_2026", (await GetAsync(poolId)).GetProperty("enterprise_project_id").GetString());
    }

    [Theory]
    [InlineData("type", "\"STATIC\"", "new pool")]
    [InlineData("size", "5", "/expand")]
    [InlineData("image_id", $"\"{Wire.Windows11Image}\"", "/rebuild")]
    [InlineData("product_id", "\"workspace.x86.ultimate.xlarge2\"", "/resize")]
    [InlineData("subnet_ids", $"[\"{Wire.SubnetB}\"]", "fixed at purchase")]
    [InlineData("vpc_id", $"\"{Wire.Vpc}\"", "fixed at purchase")]
    public async Task Update_OfFieldFixedAtPurchase_IsRefusedWithTheWayToChangeIt(
        string field, string json, string hint)
    {
        var poolId = await CreatePoolAsync();

        var reply = await UpdateAsync(poolId, new JsonObject().With(field, json));

        reply.AssertInvalid("WKS.0005", field);
        Assert.Contains(hint, reply.Body.Message(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("security_groups", """[{"id":"6b8d0f2a-4c7e-4a9b-8d1f-3a5c7e9b1d32"}]""")]
    [InlineData("root_volume", """{"type":"SSD","size":100}""")]
    [InlineData("data_volumes", """[{"type":"SSD","size":50}]""")]
    [InlineData("image_type", "\"private\"")]
    public async Task Update_OfFieldNotChangeableHere_IsRefusedRatherThanIgnored(string field, string json)
    {
        var poolId = await CreatePoolAsync();

        var reply = await UpdateAsync(poolId, new JsonObject().With(field, json));

        reply.AssertInvalid("WKS.0005", field);
    }

    [Fact]
    public async Task Update_OfUnknownPool_IsNotFound()
    {
        var reply = await UpdateAsync(Guid.NewGuid().ToString(), new { description = "x" });

        reply.AssertError(HttpStatusCode.NotFound, "WKS.00020404");
    }

    [Theory]
    [InlineData("{}", "WKS.0002")]
    [InlineData("""{"size":0}""", "WKS.0003")]
    [InlineData("""{"size":1001}""", "WKS.0003")]
    public async Task Expand_WithSizeOutOfRange_IsRefused(string body, string code)
    {
        var poolId = await CreatePoolAsync();

        var reply = await _client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/expand"), body);

        reply.AssertInvalid(code, "size");
    }

    [Theory]
    [InlineData("{}", "WKS.0002", "op_type")]
    [InlineData("""{"op_type":"shutdown"}""", "WKS.0004", "op_type")]
    [InlineData("""{"op_type":"reboot","type":"GENTLE"}""", "WKS.0004", "type")]
    public async Task Action_BreakingRules_IsRefused(string body, string code, string field)
    {
        var poolId = await CreatePoolAsync();

        var reply = await _client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/action"), body);

        reply.AssertInvalid(code, field);
    }

    [Fact]
    public async Task Update_NameOfAutoscaledPool_KeepsItsPolicy()
    {
        var created = ServerFixture.Unique("scaled");
        var request = Wire.PoolRequest(created, 0)
            .With("enable_autoscale", "true")
            .With("autoscale_policy", """{"autoscale_type":"ACCESS_CREATED","max_auto_created":10}""");
        (await _client.PostJsonAsync(Wire.Path("desktop-pools"), request)).AssertAccepted();
        var poolId = (await _client.PoolByNameAsync(created)).GetProperty("id").GetString()!;
        var name = ServerFixture.Unique("scaled");

        (await UpdateAsync(poolId, new { name })).AssertOk();

        var pool = await GetAsync(poolId);
        Assert.Equal(name, pool.GetProperty("name").GetString());
        Assert.Equal(10, pool.GetProperty("autoscale_policy").GetProperty("max_auto_created").GetInt32());
    }

    private async Task<string> CreatePoolAsync(string? tags = null, string type = "DYNAMIC")
    {
        var name = ServerFixture.Unique("update");
        var request = Wire.PoolRequest(name, 0).With("tags", tags).WithText("type", type);
        if (type == "STATIC")
        {
            request.Remove("disconnected_retention_period");
        }

        (await _client.PostJsonAsync(Wire.Path("desktop-pools"), request)).AssertAccepted();
        return (await _client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private async Task<string> CreatePolicyAsync(string prefix)
    {
        var (response, body) = await _client.PostJsonAsync(Wire.Path("desktop-name-policies"), new
        {
            policy_name = ServerFixture.Unique("update").Replace('-', '_'),
            name_prefix = prefix,
            digit_number = 3,
            start_number = 1,
            single_domain_user_inc = 0,
        });
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("policy_id").GetString()!;
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> UpdateAsync(string poolId, object body) =>
        _client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{poolId}"), body);

    private async Task<JsonElement> GetAsync(string poolId)
    {
        var (response, pool) = await _client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return pool;
    }
}
