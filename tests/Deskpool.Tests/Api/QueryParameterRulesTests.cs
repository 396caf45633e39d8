using System.Net;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>A server with one pool of one desktop, for the queries that need a pool to exist.</summary>
public sealed class OnePoolFixture : ServerFixture
{
    public string PoolId { get; private set; } = "";

    public string JobId { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        JobId = await Client.CreatePoolAsync(Wire.PoolRequest("queried", 1));
        await Client.WaitForJobAsync(JobId);
        PoolId = (await Client.PoolByNameAsync("queried")).GetProperty("id").GetString()!;
    }
}

/// <summary>
/// Query parameters: a value that does not parse, is out of range or is not one of the allowed
/// words is refused with 400 naming the parameter; values on the boundary are accepted.
/// </summary>
public sealed class QueryParameterRulesTests(OnePoolFixture fixture) : IClassFixture<OnePoolFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("offset=abc", "WKS.0004", "offset")]
    [InlineData("offset=1.5", "WKS.0004", "offset")]
    [InlineData("offset=99999999999", "WKS.0003", "offset")]
    [InlineData("offset=-99999999999999999999999", "WKS.0003", "offset")]
    [InlineData("offset=-1", "WKS.0003", "offset")]
    [InlineData("offset=20001", "WKS.0003", "offset")]
    [InlineData("limit=ten", "WKS.0004", "limit")]
    [InlineData("limit=-1", "WKS.0003", "limit")]
    [InlineData("limit=1001", "WKS.0003", "limit")]
    [InlineData("type=FOO", "WKS.0004", "type")]
    [InlineData("type=dynamic", "WKS.0004", "type")]
    [InlineData("in_maintenance_mode=yes", "WKS.0004", "in_maintenance_mode")]
    [InlineData("enterprise_project_id=0123456789012345678901234567890123456", "WKS.0003", "enterprise_project_id")]
    [InlineData("enterprise_project_id=finance!", "WKS.0004", "enterprise_project_id")]
    public async Task ListPools_WithBadParameter_IsRefused(string query, string code, string field)
    {
        (await _client.GetJsonAsync(Wire.Path($"desktop-pools?{query}"))).AssertInvalid(code, field);
    }

    [Fact]
    public async Task ListPools_WithNameOf256Characters_IsRefused()
    {
        var reply = await _client.GetJsonAsync(Wire.Path($"desktop-pools?name={new string('n', 256)}"));

        reply.AssertInvalid("WKS.0003", "name");
    }

    [Theory]
    [InlineData("offset=0&limit=1000")]
    [InlineData("offset=20000")]
    [InlineData("limit=0")]
    [InlineData("type=DYNAMIC&in_maintenance_mode=false&enterprise_project_id=0")]
    [InlineData("type=STATIC")]
    public async Task ListPools_WithParametersWithinRules_IsAnswered(string query)
    {
        var (response, body) = await _client.GetJsonAsync(Wire.Path($"desktop-pools?{query}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("total_count").GetInt32() >= 0);
    }

    [Theory]
    [InlineData("status=FOO", "WKS.0004", "status")]
    [InlineData("status=active", "WKS.0004", "status")]
    [InlineData("limit=-1", "WKS.0003", "limit")]
    [InlineData("limit=101", "WKS.0003", "limit")]
    [InlineData("limit=x", "WKS.0004", "limit")]
    [InlineData("offset=10001", "WKS.0003", "offset")]
    [InlineData("offset=first", "WKS.0004", "offset")]
    [InlineData("sort_field=name", "WKS.0004", "sort_field")]
    [InlineData("sort_type=UP", "WKS.0004", "sort_type")]
    public async Task ListPoolDesktops_WithBadParameter_IsRefused(string query, string code, string field)
    {
        var reply = await _client.GetJsonAsync(Wire.Path($"desktop-pools/{fixture.PoolId}/desktops?{query}"));

        reply.AssertInvalid(code, field);
    }

    [Theory]
    [InlineData("status=ACTIVE", 1)]
    [InlineData("status=SHUTOFF", 0)]
    [InlineData("limit=1&offset=0", 1)]
    [InlineData("limit=100", 1)]
    [InlineData("offset=10000", 0)]
    [InlineData("sort_field=computer_name&sort_type=DESC", 1)]
    public async Task ListPoolDesktops_WithParametersWithinRules_IsAnswered(string query, int expected)
    {
        var path = Wire.Path($"desktop-pools/{fixture.PoolId}/desktops?{query}");

        var (response, body) = await _client.GetJsonAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, body.GetProperty("pool_desktops").GetArrayLength());
    }

    [Theory]
    [InlineData("workspace-sub-jobs?status=DONE", "WKS.0004", "status")]
    [InlineData("workspace-sub-jobs?limit=1001", "WKS.0003", "limit")]
    [InlineData("workspace-sub-jobs?offset=-5", "WKS.0003", "offset")]
    [InlineData("products?limit=101", "WKS.0003", "limit")]
    [InlineData("products?offset=x", "WKS.0004", "offset")]
    [InlineData("images?limit=-1", "WKS.0003", "limit")]
    [InlineData("images?offset=5001", "WKS.0003", "offset")]
    public async Task OtherLists_WithBadParameter_AreRefused(string pathAndQuery, string code, string field)
    {
        (await _client.GetJsonAsync(Wire.Path(pathAndQuery))).AssertInvalid(code, field);
    }

    [Fact]
    public async Task ShowJob_OfUnknownJob_IsNotFound()
    {
        var reply = await _client.GetJsonAsync(Wire.Path($"workspace-jobs/{Guid.NewGuid()}"));

        reply.AssertError(HttpStatusCode.NotFound, "WKS.00060404");
    }

    [Fact]
    public async Task ShowPool_OfUnknownPool_IsNotFound()
    {
        var reply = await _client.GetJsonAsync(Wire.Path($"desktop-pools/{Guid.NewGuid()}"));

        reply.AssertError(HttpStatusCode.NotFound, "WKS.00020404");
    }
}
