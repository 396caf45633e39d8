using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>A server where project A has a pool of one desktop, its finished job and a naming policy.</summary>
public sealed class AccessFixture : ServerFixture
{
    public string PoolId { get; private set; } = "";

    public string JobId { get; private set; } = "";

    public string DesktopId { get; private set; } = "";

    public string PolicyId { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        JobId = await Client.CreatePoolAsync(Wire.PoolRequest("guarded", 1));
        await Client.WaitForJobAsync(JobId);
        PoolId = (await Client.PoolByNameAsync("guarded")).GetProperty("id").GetString()!;
        DesktopId = (await Client.DesktopsAsync(PoolId)).Single().GetProperty("desktop_id").GetString()!;
        var (_, policy) = await Client.PostJsonAsync(Wire.Path("desktop-name-policies"), new
        {
            policy_name = "guarded", name_prefix = "G", digit_number = 3, start_number = 1, single_domain_user_inc = 0,
        });
        PolicyId = policy.GetProperty("policy_id").GetString()!;
    }

    /// <summary>Fills the placeholders of a route template with this server's ids.</summary>
    public string Fill(string template) => template
        .Replace("{pool}", PoolId, StringComparison.Ordinal)
        .Replace("{job}", JobId, StringComparison.Ordinal)
        .Replace("{desktop}", DesktopId, StringComparison.Ordinal)
        .Replace("{policy}", PolicyId, StringComparison.Ordinal);
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

    private static string? BodyFor(string method) => method is "GET" or "DELETE" ? null : "{}";

    private string? Fill(string? body) => body is null ? null : fixture.Fill(body);

    /// <summary>The project's pools, desktops, policies and authorisation, as text to compare.</summary>
    private async Task<string> SnapshotAsync()
    {
        var client = fixture.Client;
        var parts = new List<JsonElement>();
        foreach (var path in new[]
                 {
                     "desktop-pools", $"desktop-pools/{fixture.PoolId}/desktops", "desktop-name-policies",
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
