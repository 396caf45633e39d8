using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// The naming-policy API: the rules of a policy, name uniqueness, the per-project limit, deletion
/// guarded by the pools that use a policy, updates, and the list filters and paging.
/// </summary>
public sealed class NamingPolicyRulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Policies = Wire.Path("desktop-name-policies");
    private static readonly string BatchDelete = Wire.Path("desktop-name-policies/batch-delete");

    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("policy_name", null, "WKS.0002")]
    [InlineData("policy_name", "\"\"", "WKS.0002")]
    [InlineData("policy_name", "\"p234567890123456789012345678901\"", "WKS.0003")]
    [InlineData("policy_name", "\"1st\"", "WKS.0004")]
    [InlineData("policy_name", "\"finance-team\"", "WKS.0004")]
    [InlineData("policy_name", "\"finance team\"", "WKS.0004")]
    [InlineData("policy_name", "\"finance\\n\"", "WKS.0004")]
    [InlineData("name_prefix", null, "WKS.0002")]
    [InlineData("name_prefix", "\"\"", "WKS.0002")]
    [InlineData("name_prefix", "\"abcdefghijklmno\"", "WKS.0003")]
    [InlineData("name_prefix", "\"-fin\"", "WKS.0004")]
    [InlineData("name_prefix", "\"fin_\"", "WKS.0004")]
    [InlineData("name_prefix", "\"fin.\"", "WKS.0004")]
    [InlineData("name_prefix", "\"财务\"", "WKS.0004")]
    [InlineData("name_prefix", "\"fin\\n\"", "WKS.0004")]
    [InlineData("name_prefix", "\"fin$DomainUser\"", "WKS.0004")]
    [InlineData("digit_number", null, "WKS.0002")]
    [InlineData("digit_number", "0", "WKS.0003")]
    [InlineData("digit_number", "6", "WKS.0003")]
    [InlineData("start_number", null, "WKS.0002")]
    [InlineData("start_number", "0", "WKS.0003")]
    [InlineData("start_number", "100000", "WKS.0003")]
    [InlineData("single_domain_user_inc", null, "WKS.0002")]
    [InlineData("single_domain_user_inc", "2", "WKS.0003")]
    [InlineData("single_domain_user_inc", "-1", "WKS.0003")]
    public async Task Create_WithFieldBreakingRules_IsRefused(string field, string? json, string code)
    {
        var request = Policy().With(field, json);

        (await _client.PostJsonAsync(Policies, request)).AssertInvalid(code, field);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 100)]
    [InlineData(3, 1000)]
    public async Task Create_WithStartNumberTooWideForTheDigits_IsRefused(int digits, int start)
    {
        var request = Policy().With("digit_number", $"{digits}").With("start_number", $"{start}");

        (await _client.PostJsonAsync(Policies, request)).AssertInvalid("WKS.0006", "start_number");
    }

    [Fact]
    public async Task Create_WithPrefixAndDigitsLongerThanAComputerName_IsRefused()
    {
        var request = Policy().WithText("name_prefix", "abcdefghijklmn").With("digit_number", "2");

        (await _client.PostJsonAsync(Policies, request)).AssertInvalid("WKS.0006", "name_prefix");
    }

    [Theory]
    [InlineData("abcdefghijklmn", 1, 1, false)]
    [InlineData("abcdefghij", 5, 99_999, false)]
    [InlineData("a", 1, 9, false)]
    [InlineData("9-lab", 3, 1, false)]
    [InlineData("abcdefghijklmn", 5, 1, true)]
    [InlineData("fin$DomainUser$", 3, 1, false)]
    [InlineData("$DomainUser$", 2, 1, false)]
    [InlineData("ab$DomainUser$cd", 3, 1, false)]
    public async Task Create_WithPolicyOnBoundary_IsAccepted(string prefix, int digits, int start, bool truncate)
    {
        var name = UniquePolicyName("edge");
        var request = Policy(name).WithText("name_prefix", prefix)
            .With("digit_number", $"{digits}").With("start_number", $"{start}");
        request["prefix_truncation_enabled"] = truncate;

        var (response, body) = await _client.PostJsonAsync(Policies, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await FindAsync(body.GetProperty("policy_id").GetString()!);
        Assert.Equal(prefix, stored.GetProperty("name_prefix").GetString());
        Assert.Equal(digits, stored.GetProperty("digit_number").GetInt32());
        Assert.Equal(start, stored.GetProperty("start_number").GetInt32());
        var embedsUser = prefix.Contains("$DomainUser$", StringComparison.Ordinal);
        Assert.Equal(embedsUser, stored.GetProperty("is_contain_user").GetBoolean());
    }

    [Theory]
    [InlineData("p23456789012345678901234567890")]
    [InlineData("财务部")]
    [InlineData("_x")]
    [InlineData("Q")]
    public async Task Create_WithPolicyNameWithinRules_IsAccepted(string policyName)
    {
        var (response, _) = await _client.PostJsonAsync(Policies, Policy(policyName));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Create_WithSingleDomainUserIncZeroOrOne_IsAccepted(int value)
    {
        var request = Policy().With("single_domain_user_inc", $"{value}");

        var (response, _) = await _client.PostJsonAsync(Policies, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Create_WithPolicyNameTaken_IsRefusedAsConflict()
    {
        var name = UniquePolicyName("twice");
        await CreateAsync(Policy(name));

        var reply = await _client.PostJsonAsync(Policies, Policy(name));

        reply.AssertRefused(HttpStatusCode.Conflict, "WKS.0009", "policy_name");
    }

    [Fact]
    public async Task Create_Beyond50PoliciesInAProject_IsRefused()
    {
        // Project B holds no other test's policies, so this test alone decides how many it has.
        var clientB = fixture.Server.ClientFor(TestServer.TokenB);
        var policiesB = Wire.Path("desktop-name-policies", TestServer.ProjectB);
        for (var i = 0; i < 50; i++)
        {
            var (created, body) = await clientB.PostJsonAsync(policiesB, Policy($"limit_{i}"));
            Assert.True(created.StatusCode == HttpStatusCode.OK, body.ToString());
        }

        var reply = await clientB.PostJsonAsync(policiesB, Policy("limit_50"));

        reply.AssertInvalid("WKS.0008", "policy_name");
        var (_, list) = await clientB.GetJsonAsync(policiesB);
        Assert.Equal(50, list.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task BatchDelete_OfPolicyUsedByPool_IsRefusedAsConflict()
    {
        var policyId = await CreateAsync(Policy());
        var pool = Wire.PoolRequest(ServerFixture.Unique("user"), 0);
        pool["desktop_name_policy_id"] = policyId;
        (await _client.PostJsonAsync(Wire.Path("desktop-pools"), pool)).AssertAccepted();

        var reply = await _client.PostJsonAsync(BatchDelete, new { policy_ids = new[] { policyId } });

        reply.AssertError(HttpStatusCode.Conflict, "WKS.00010032");
        Assert.Contains(policyId, reply.Body.Message(), StringComparison.Ordinal);
        await FindAsync(policyId);
    }

    [Fact]
    public async Task BatchDelete_OfUnknownPolicy_IsNotFoundAndDeletesNothing()
    {
        var policyId = await CreateAsync(Policy());

        var ids = new[] { policyId, Guid.NewGuid().ToString() };

        var reply = await _client.PostJsonAsync(BatchDelete, new { policy_ids = ids });

        reply.AssertError(HttpStatusCode.NotFound, "WKS.00050404");
        await FindAsync(policyId);
    }

    [Fact]
    public async Task BatchDelete_OfUnusedPolicies_DeletesThem()
    {
        var first = await CreateAsync(Policy());
        var second = await CreateAsync(Policy());

        var (response, _) = await _client.PostJsonAsync(BatchDelete, new { policy_ids = new[] { first, second } });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (_, list) = await _client.GetJsonAsync($"{Policies}?policy_id={first}");
        Assert.Equal(0, list.GetProperty("total_count").GetInt32());
    }

    [Theory]
    [InlineData("{}", "WKS.0002", "policy_ids")]
    [InlineData("""{"policy_ids":[]}""", "WKS.0003", "policy_ids")]
    [InlineData("""{"policy_ids":[""]}""", "WKS.0002", "policy_ids[0]")]
    [InlineData("""{"policy_ids":["0123456789012345678901234567890123456"]}""", "WKS.0003", "policy_ids[0]")]
    public async Task BatchDelete_WithBadIds_IsRefused(string body, string code, string field)
    {
        (await _client.PostJsonAsync(BatchDelete, body)).AssertInvalid(code, field);
    }

    [Fact]
    public async Task BatchDelete_OfFiftyOneIds_IsRefused()
    {
        var ids = Enumerable.Range(0, 51).Select(_ => Guid.NewGuid().ToString()).ToArray();

        (await _client.PostJsonAsync(BatchDelete, new { policy_ids = ids })).AssertInvalid("WKS.0003", "policy_ids");
    }

    [Fact]
    public async Task Update_ChangesTheGivenFieldsOnly()
    {
        var policyId = await CreateAsync(Policy());
        var newName = UniquePolicyName("renamed");

        var (response, _) = await _client.CallAsync(HttpMethod.Put, $"{Policies}/{policyId}",
            new { policy_name = newName, name_prefix = "NEW-", digit_number = 4 });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await FindAsync(policyId);
        Assert.Equal(newName, stored.GetProperty("policy_name").GetString());
        Assert.Equal("NEW-", stored.GetProperty("name_prefix").GetString());
        Assert.Equal(4, stored.GetProperty("digit_number").GetInt32());
        Assert.Equal(1, stored.GetProperty("start_number").GetInt32());
    }

    [Theory]
    [InlineData("""{"digit_number":6}""", "WKS.0003", "digit_number")]
    [InlineData("""{"name_prefix":"-x"}""", "WKS.0004", "name_prefix")]
    [InlineData("""{"start_number":1000}""", "WKS.0006", "start_number")]
    [InlineData("""{"policy_name":"9lives"}""", "WKS.0004", "policy_name")]
    [InlineData("""{"name_prefix":"abcdefghijklmn"}""", "WKS.0006", "name_prefix")]
    public async Task Update_BreakingRules_IsRefusedAndChangesNothing(string body, string code, string field)
    {
        var policyId = await CreateAsync(Policy());
        var before = await FindAsync(policyId);

        (await _client.CallAsync(HttpMethod.Put, $"{Policies}/{policyId}", body)).AssertInvalid(code, field);

        Assert.Equal(before.ToString(), (await FindAsync(policyId)).ToString());
    }

    [Fact]
    public async Task Update_ToATakenPolicyName_IsRefusedAsConflict()
    {
        var taken = UniquePolicyName("taken");
        await CreateAsync(Policy(taken));
        var policyId = await CreateAsync(Policy());

        var reply = await _client.CallAsync(HttpMethod.Put, $"{Policies}/{policyId}", new { policy_name = taken });

        reply.AssertRefused(HttpStatusCode.Conflict, "WKS.0009", "policy_name");
    }

    [Fact]
    public async Task Update_OfUnknownPolicy_IsNotFound()
    {
        var reply = await _client.CallAsync(HttpMethod.Put, $"{Policies}/{Guid.NewGuid()}", new { digit_number = 3 });

        reply.AssertError(HttpStatusCode.NotFound, "WKS.00050404");
    }

    [Fact]
    public async Task Update_EmbeddingTheUserInAPolicyUsedByAPool_IsRefused()
    {
        var policyId = await CreateAsync(Policy());
        var pool = Wire.PoolRequest(ServerFixture.Unique("embed"), 0);
        pool["desktop_name_policy_id"] = policyId;
        (await _client.PostJsonAsync(Wire.Path("desktop-pools"), pool)).AssertAccepted();

        var change = new { name_prefix = "u$DomainUser$" };

        var reply = await _client.CallAsync(HttpMethod.Put, $"{Policies}/{policyId}", change);

        reply.AssertInvalid("WKS.0006", "name_prefix");
    }

    [Fact]
    public async Task List_FiltersByNameAndByWhetherTheUserIsEmbedded()
    {
        var stem = UniquePolicyName("filter");
        await CreateAsync(Policy($"{stem}_plain").WithText("name_prefix", "plain"));
        await CreateAsync(Policy($"{stem}_user").WithText("name_prefix", "u$DomainUser$"));

        var all = await ListAsync($"policy_name={stem}");
        var withUser = await ListAsync($"policy_name={stem}&is_contain_user=true");
        var withoutUser = await ListAsync($"policy_name={stem}&is_contain_user=false");

        Assert.Equal([$"{stem}_plain", $"{stem}_user"], all.Names);
        Assert.Equal([$"{stem}_user"], withUser.Names);
        Assert.Equal([$"{stem}_plain"], withoutUser.Names);
    }

    [Fact]
    public async Task List_PagesWithOffsetAndLimit_AndCountsTheWhole()
    {
        var stem = UniquePolicyName("page");
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync(Policy($"{stem}_{i}"));
        }

        var first = await ListAsync($"policy_name={stem}&limit=2");
        var second = await ListAsync($"policy_name={stem}&limit=2&offset=2");

        Assert.Equal(3, first.Total);
        Assert.Equal([$"{stem}_0", $"{stem}_1"], first.Names);
        Assert.Equal(3, second.Total);
        Assert.Equal([$"{stem}_2"], second.Names);
    }

    [Theory]
    [InlineData("is_contain_user=maybe", "WKS.0004", "is_contain_user")]
    [InlineData("limit=101", "WKS.0003", "limit")]
    [InlineData("limit=ten", "WKS.0004", "limit")]
    [InlineData("offset=-1", "WKS.0003", "offset")]
    [InlineData("policy_name=p234567890123456789012345678901", "WKS.0003", "policy_name")]
    public async Task List_WithBadQuery_IsRefused(string query, string code, string field)
    {
        (await _client.GetJsonAsync($"{Policies}?{query}")).AssertInvalid(code, field);
    }

    private static string UniquePolicyName(string stem) => ServerFixture.Unique(stem).Replace('-', '_');

    private static JsonObject Policy(string? name = null) => new()
    {
        ["policy_name"] = name ?? UniquePolicyName("policy"),
        ["name_prefix"] = "desk",
        ["digit_number"] = 3,
        ["start_number"] = 1,
        ["single_domain_user_inc"] = 0,
    };

    private async Task<string> CreateAsync(JsonObject policy)
    {
        var (response, body) = await _client.PostJsonAsync(Policies, policy);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("policy_id").GetString()!;
    }

    private async Task<JsonElement> FindAsync(string policyId)
    {
        var (_, list) = await _client.GetJsonAsync($"{Policies}?policy_id={policyId}");
        return Assert.Single(list.GetProperty("desktop_name_policy_infos").EnumerateArray());
    }

    private async Task<(int Total, List<string?> Names)> ListAsync(string query)
    {
        var (response, list) = await _client.GetJsonAsync($"{Policies}?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (list.GetProperty("total_count").GetInt32(),
            list.GetProperty("desktop_name_policy_infos").EnumerateArray()
                .Select(p => p.GetProperty("policy_name").GetString()).ToList());
    }
}
