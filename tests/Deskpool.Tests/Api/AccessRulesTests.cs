using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// A server where projects A and B each have a pool of one desktop, its finished job and a naming
/// policy. Route templates name A's ids as {pool}, {job}, {desktop}, {policy} and B's with a B suffix.
/// </summary>
public class AccessFixture : ServerFixture
{
    private readonly Dictionary<string, string> _ids = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await SeedAsync(Client, TestServer.ProjectA, "");
        var clientB = Server.ClientFor(TestServer.TokenB);
        await clientB.PostJsonAsync(Wire.Path("service-authorization", TestServer.ProjectB), null);
        await SeedAsync(clientB, TestServer.ProjectB, "B");
    }

    public string Id(string placeholder) => _ids[placeholder];

    /// <summary>Fills the placeholders of a route template or body with this server's ids.</summary>
    public string Fill(string template) =>
        _ids.Aggregate(template, (text, id) => text.Replace($"{{{id.Key}}}", id.Value, StringComparison.Ordinal));

    private async Task SeedAsync(HttpClient client, string project, string suffix)
    {
        var name = $"guarded{suffix}";
        var jobId = await client.CreatePoolAsync(Wire.PoolRequest(name, 1), project);
        await client.WaitForJobAsync(jobId, project);
        var (_, list) = await client.GetJsonAsync(Wire.Path($"desktop-pools?name={name}", project));
        var poolId = list.GetProperty("desktop_pools")[0].GetProperty("id").GetString()!;
        var (_, desktops) = await client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/desktops", project));
        var (_, policy) = await client.PostJsonAsync(Wire.Path("desktop-name-policies", project), new
        {
            policy_name = name, name_prefix = "G", digit_number = 3, start_number = 1, single_domain_user_inc = 0,
        });
        _ids["pool" + suffix] = poolId;
        _ids["job" + suffix] = jobId;
        _ids["desktop" + suffix] = desktops.GetProperty("pool_desktops")[0].GetProperty("desktop_id").GetString()!;
        _ids["policy" + suffix] = policy.GetProperty("policy_id").GetString()!;
    }
}

/// <summary>
/// Who may call what: every project route needs a valid token of that very project; a read-only
/// token may read but not change anything; a refused call changes nothing.
/// </summary>
public sealed class AccessRulesTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    public static TheoryData<string, string> ReadRoutes => new()
    {
        { "GET", "products" },
        { "GET", "images" },
        { "GET", "quotas" },
        { "GET", "availability-zones" },
        { "GET", "vpcs" },
        { "GET", "volume/products" },
        { "GET", "desktop-pools" },
        { "GET", "desktop-pools/{pool}" },
        { "GET", "desktop-pools/{pool}/desktops" },
        { "GET", "workspace-jobs/{job}" },
        { "GET", "workspace-sub-jobs" },
        { "GET", "desktop-name-policies" },
        { "GET", "service-authorization" },
    };

    /// <summary>Every changing route, each with a body it would accept from the right caller.</summary>
    public static TheoryData<string, string, string?> WriteRoutes => new()
    {
        { "POST", "desktop-pools", Wire.PoolRequest("intruder", 1).ToJsonString() },
        { "PUT", "desktop-pools/{pool}", """{"name":"hijacked"}""" },
        { "DELETE", "desktop-pools/{pool}", null },
        { "POST", "desktop-pools/{pool}/expand", """{"size":1}""" },
        { "POST", "desktop-pools/{pool}/action", """{"op_type":"os-stop"}""" },
        { "POST", "desktops/batch-delete", """{"desktop_ids":["{desktop}"]}""" },
        { "POST", "desktop-name-policies", """
            {"policy_name":"intruder","name_prefix":"X","digit_number":3,"start_number":1,"single_domain_user_inc":0}
            """ },
        { "PUT", "desktop-name-policies/{policy}", """{"name_prefix":"HIJACK"}""" },
        { "POST", "desktop-name-policies/batch-delete", """{"policy_ids":["{policy}"]}""" },
        { "POST", "service-authorization", null },
    };

    public static TheoryData<string, string> AllRoutes
    {
        get
        {
            var all = new TheoryData<string, string>();
            foreach (var route in ReadRoutes)
            {
                all.Add((string)route[0], (string)route[1]);
            }

            foreach (var route in WriteRoutes)
            {
                all.Add((string)route[0], (string)route[1]);
            }

            return all;
        }
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task TokenOfAnotherProject_IsForbiddenOnEveryRoute(string method, string route)
    {
        var clientB = fixture.Server.ClientFor(TestServer.TokenB);

        var reply = await clientB.CallAsync(new HttpMethod(method), Wire.Path(fixture.Fill(route)), BodyFor(method));

        reply.AssertError(HttpStatusCode.Forbidden, "WKS.0403");
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task MissingToken_IsUnauthenticatedOnEveryRoute(string method, string route)
    {
        var anonymous = fixture.Server.ClientFor(null);

        var reply = await anonymous.CallAsync(new HttpMethod(method), Wire.Path(fixture.Fill(route)), BodyFor(method));

        reply.AssertError(HttpStatusCode.Unauthorized, "APIG.0301");
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task UnknownToken_IsUnauthenticatedOnEveryRoute(string method, string route)
    {
        var stranger = fixture.Server.ClientFor("token-nobody-issued");

        var reply = await stranger.CallAsync(new HttpMethod(method), Wire.Path(fixture.Fill(route)), BodyFor(method));

        reply.AssertError(HttpStatusCode.Unauthorized, "APIG.0301");
    }

    [Theory]
    [MemberData(nameof(ReadRoutes))]
    public async Task ReadOnlyToken_MayReadEveryReadRoute(string method, string route)
    {
        var reader = fixture.Server.ClientFor(TestServer.ReadOnlyTokenA);

        var (response, body) = await reader.CallAsync(new HttpMethod(method), Wire.Path(fixture.Fill(route)));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {route}: {(int)response.StatusCode} {body}");
    }

    [Theory]
    [MemberData(nameof(WriteRoutes))]
    public async Task ReadOnlyToken_IsForbiddenOnEveryWriteRoute(string method, string route, string? body)
    {
        var reader = fixture.Server.ClientFor(TestServer.ReadOnlyTokenA);

        var reply = await reader.CallAsync(new HttpMethod(method), Wire.Path(fixture.Fill(route)), Fill(body));

        reply.AssertError(HttpStatusCode.Forbidden, "WKS.0403");
    }

    [Fact]
    public async Task TokenOfAnotherProject_GetsTheSameAnswerForAProjectThatDoesNotExist()
    {
        var clientB = fixture.Server.ClientFor(TestServer.TokenB);

        var reply = await clientB.GetJsonAsync(Wire.Path("desktop-pools", "cccccccccccccccccccccccccccccccc"));

        reply.AssertError(HttpStatusCode.Forbidden, "WKS.0403");
    }

    [Fact]
    public async Task RefusedWrites_ChangeNothing()
    {
        var before = await SnapshotAsync();
        string?[] tokens = [TestServer.TokenB, TestServer.ReadOnlyTokenA, null, "token-nobody-issued"];

        foreach (var token in tokens)
        {
            var client = fixture.Server.ClientFor(token);
            foreach (var route in WriteRoutes)
            {
                var (method, path, body) = ((string)route[0], (string)route[1], (string?)route[2]);
                var (response, _) = await client.CallAsync(
                    new HttpMethod(method), Wire.Path(fixture.Fill(path)), Fill(body));
                Assert.True((int)response.StatusCode is 401 or 403,
                    $"{method} {path} with {token}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("GET", "desktop-pools/{poolB}", null, "WKS.00020404")]
    [InlineData("PUT", "desktop-pools/{poolB}", """{"description":"taken over"}""", "WKS.00020404")]
    [InlineData("DELETE", "desktop-pools/{poolB}", null, "WKS.00020404")]
    [InlineData("POST", "desktop-pools/{poolB}/expand", """{"size":1}""", "WKS.00020404")]
    [InlineData("POST", "desktop-pools/{poolB}/action", """{"op_type":"os-stop"}""", "WKS.00020404")]
    [InlineData("GET", "desktop-pools/{poolB}/desktops", null, "WKS.00020404")]
    [InlineData("GET", "workspace-jobs/{jobB}", null, "WKS.00060404")]
    [InlineData("POST", "desktops/batch-delete", """{"desktop_ids":["{desktopB}"]}""", "WKS.00030404")]
    [InlineData("PUT", "desktop-name-policies/{policyB}", """{"name_prefix":"TAKEN"}""", "WKS.00050404")]
    [InlineData("POST", "desktop-name-policies/batch-delete", """{"policy_ids":["{policyB}"]}""", "WKS.00050404")]
    public async Task IdsOfAnotherProject_AreNotFoundUnderOwnProject(
        string method, string route, string? body, string code)
    {
        var path = Wire.Path(fixture.Fill(route));

        var reply = await fixture.Client.CallAsync(new HttpMethod(method), path, Fill(body));

        reply.AssertError(HttpStatusCode.NotFound, code);
        var clientB = fixture.Server.ClientFor(TestServer.TokenB);
        var poolPathB = Wire.Path(fixture.Fill("desktop-pools/{poolB}"), TestServer.ProjectB);
        var (_, poolB) = await clientB.GetJsonAsync(poolPathB);
        Assert.Equal("guardedB", poolB.GetProperty("name").GetString());
        Assert.False(poolB.TryGetProperty("description", out _));
        Assert.Equal(1, poolB.GetProperty("desktop_count").GetInt32());
        var policiesB = Wire.Path(fixture.Fill("desktop-name-policies?policy_id={policyB}"), TestServer.ProjectB);
        var (_, policy) = await clientB.GetJsonAsync(policiesB);
        Assert.Equal("G", policy.GetProperty("desktop_name_policy_infos")[0].GetProperty("name_prefix").GetString());
    }

    [Fact]
    public async Task ListsOfOwnProject_NeverShowAnotherProjectsResources()
    {
        var client = fixture.Client;

        var (_, subJobs) = await client.GetJsonAsync(Wire.Path(fixture.Fill("workspace-sub-jobs?job_id={jobB}")));
        var (_, policies) = await client.GetJsonAsync(
            Wire.Path(fixture.Fill("desktop-name-policies?policy_id={policyB}")));
        var (_, pools) = await client.GetJsonAsync(Wire.Path("desktop-pools?name=guardedB"));

        Assert.Equal(0, subJobs.GetProperty("total_count").GetInt32());
        Assert.Equal(0, policies.GetProperty("total_count").GetInt32());
        Assert.Equal(0, pools.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Create_WithNamingPolicyOfAnotherProject_IsRefusedAsUnknown()
    {
        var request = Wire.PoolRequest("borrower", 0);
        request["desktop_name_policy_id"] = fixture.Id("policyB");

        var reply = await fixture.Client.PostJsonAsync(Wire.Path("desktop-pools"), request);

        reply.AssertInvalid("WKS.0007", "desktop_name_policy_id");
    }

    private static string? BodyFor(string method) => method is "GET" or "DELETE" ? null : "{}";

    private string? Fill(string? body) => body is null ? null : fixture.Fill(body);

    /// <summary>The project's pools, desktops, policies and authorisation, as text to compare.</summary>
    private async Task<string> SnapshotAsync()
    {
        var client = fixture.Client;
        var parts = new List<JsonElement>();
        foreach (var path in new[]
                 {
                     "desktop-pools", $"desktop-pools/{fixture.Id("pool")}/desktops", "desktop-name-policies",
                     "service-authorization", "quotas",
                 })
        {
            var (response, body) = await client.GetJsonAsync(Wire.Path(path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            parts.Add(body);
        }

        return string.Join("\n", parts.Select(p => p.ToString()));
    }
}
