using System.Net;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// The rules of a create-pool request that concern the pool itself: name, type, size, description,
/// enterprise project, retention, autoscaling, naming policy and authorised objects. Each rule has
/// a refused case and a case that sits exactly on the allowed boundary and is accepted.
/// </summary>
public sealed class PoolRequestRulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Pools = Wire.Path("desktop-pools");

    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData(null)]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    public async Task Create_WithoutName_IsRefused(string? name)
    {
        var request = Request().With("name", name);

        var reply = await _client.PostJsonAsync(Pools, request);

        reply.AssertInvalid("WKS.0002", "name");
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a_b")]
    [InlineData("a.b")]
    [InlineData("pool/1")]
    [InlineData("pool\n")]
    [InlineData("\npool")]
    [InlineData("pool\u3000")]
    [InlineData("pool😀")]
    [InlineData("ｐｏｏｌ")]
    public async Task Create_WithNameOfForbiddenCharacters_IsRefused(string name)
    {
        var reply = await _client.PostJsonAsync(Pools, Request(name));

        reply.AssertInvalid("WKS.0004", "name");
    }

    [Fact]
    public async Task Create_WithNameOf65Characters_IsRefused()
    {
        var reply = await _client.PostJsonAsync(Pools, Request(ServerFixture.Unique("long").PadRight(65, 'x')));

        reply.AssertInvalid("WKS.0003", "name");
    }

    [Fact]
    public async Task Create_WithNameOf64Characters_IsAccepted()
    {
        var name = ServerFixture.Unique("long").PadRight(64, 'x');

        (await _client.PostJsonAsync(Pools, Request(name))).AssertAccepted();

        Assert.Equal(name, (await _client.PoolByNameAsync(name)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_WithOneCharacterName_IsAccepted()
    {
        (await _client.PostJsonAsync(Pools, Request("Q"))).AssertAccepted();
    }

    [Theory]
    [InlineData("财务部桌面池")]
    [InlineData("Lab-2026")]
    [InlineData("-")]
    public async Task Create_WithNameOfChineseLettersDigitsAndHyphens_IsAccepted(string stem)
    {
        (await _client.PostJsonAsync(Pools, Request(ServerFixture.Unique(stem)))).AssertAccepted();
    }

    [Fact]
    public async Task Create_WithNameTakenInSameProject_IsRefusedAsConflict()
    {
        var name = ServerFixture.Unique("taken");
        (await _client.PostJsonAsync(Pools, Request(name))).AssertAccepted();

        var reply = await _client.PostJsonAsync(Pools, Request(name));

        reply.AssertRefused(HttpStatusCode.Conflict, "WKS.0009", "name");
    }

    [Fact]
    public async Task Create_WithNameTakenInAnotherProject_IsAccepted()
    {
        var clientB = fixture.Server.ClientFor(TestServer.TokenB);
        await clientB.PostJsonAsync(Wire.Path("service-authorization", TestServer.ProjectB), null);
        var name = ServerFixture.Unique("shared");
        (await _client.PostJsonAsync(Pools, Request(name))).AssertAccepted();

        var reply = await clientB.PostJsonAsync(Wire.Path("desktop-pools", TestServer.ProjectB), Request(name));

        reply.AssertAccepted();
    }

    [Theory]
    [InlineData(null, "WKS.0002")]
    [InlineData("\"\"", "WKS.0002")]
    [InlineData("\"dynamic\"", "WKS.0004")]
    [InlineData("\"SHARED\"", "WKS.0004")]
    public async Task Create_WithoutValidType_IsRefused(string? type, string code)
    {
        var reply = await _client.PostJsonAsync(Pools, Request().With("type", type));

        reply.AssertInvalid(code, "type");
    }

    [Fact]
    public async Task Create_StaticPoolWithoutRetention_IsAccepted()
    {
        var request = Request().With("type", "\"STATIC\"").With("disconnected_retention_period", null);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Theory]
    [InlineData(null, "WKS.0002")]
    [InlineData("null", "WKS.0002")]
    [InlineData("-1", "WKS.0003")]
    [InlineData("1001", "WKS.0003")]
    public async Task Create_WithoutValidSize_IsRefused(string? size, string code)
    {
        var reply = await _client.PostJsonAsync(Pools, Request().With("size", size));

        reply.AssertInvalid(code, "size");
    }

    [Fact]
    public async Task Create_WithSizeZero_IsAcceptedAndCreatesAnEmptyPool()
    {
        var name = ServerFixture.Unique("empty");

        var jobId = (await _client.PostJsonAsync(Pools, Request(name, size: 0))).AssertAccepted();

        Assert.Equal("SUCCESS", (await _client.WaitForJobAsync(jobId)).GetProperty("status").GetString());
        Assert.Equal(0, (await _client.PoolByNameAsync(name)).GetProperty("desktop_count").GetInt32());
    }

    [Fact]
    public async Task Create_WithDescriptionOf256Characters_IsRefused()
    {
        var request = Request().With("description", $"\"{new string('d', 256)}\"");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "description");
    }

    [Fact]
    public async Task Create_WithDescriptionOf255Characters_IsAccepted()
    {
        var request = Request().With("description", $"\"{new string('d', 255)}\"");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Theory]
    [InlineData("0123456789012345678901234567890123456", "WKS.0003")]
    [InlineData("finance!", "WKS.0004")]
    [InlineData("finance team", "WKS.0004")]
    [InlineData("finance.team", "WKS.0004")]
    [InlineData("finance\n", "WKS.0004")]
    public async Task Create_WithBadEnterpriseProjectId_IsRefused(string id, string code)
    {
        var request = Request();
        request["enterprise_project_id"] = id;

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, "enterprise_project_id");
    }

    [Theory]
    [InlineData("012345678901234567890123456789012345")]
    [InlineData("0")]
    [InlineData("Finance_team-2")]
    public async Task Create_WithEnterpriseProjectIdWithinRules_IsAccepted(string id)
    {
        var request = Request();
        request["enterprise_project_id"] = id;

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Fact]
    public async Task Create_DynamicPoolWithoutRetention_IsRefused()
    {
        var request = Request().With("disconnected_retention_period", null);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0002", "disconnected_retention_period");
    }

    [Theory]
    [InlineData(9)]
    [InlineData(43_201)]
    [InlineData(0)]
    [InlineData(-10)]
    public async Task Create_WithRetentionOutOfRange_IsRefused(int minutes)
    {
        var request = Request().With("disconnected_retention_period", $"{minutes}");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "disconnected_retention_period");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(43_200)]
    public async Task Create_WithRetentionOnBoundary_IsAccepted(int minutes)
    {
        var name = ServerFixture.Unique("retention");
        var request = Request(name).With("disconnected_retention_period", $"{minutes}");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var pool = await _client.PoolByNameAsync(name);
        Assert.Equal(minutes, pool.GetProperty("disconnected_retention_period").GetInt32());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(60)]
    public async Task Create_StaticPoolWithRetention_IsRefused(int minutes)
    {
        var request = Request().With("type", "\"STATIC\"").With("disconnected_retention_period", $"{minutes}");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0005", "disconnected_retention_period");
    }

    [Fact]
    public async Task Create_WithAutoscaleEnabledButNoPolicy_IsRefused()
    {
        var request = Request().With("enable_autoscale", "true");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0002", "autoscale_policy");
    }

    [Theory]
    [InlineData("""{"max_auto_created":10}""", "WKS.0002", "autoscale_type")]
    [InlineData("""{"autoscale_type":"SOMETIMES","max_auto_created":10}""", "WKS.0004", "autoscale_type")]
    [InlineData("""{"autoscale_type":"access_created","max_auto_created":10}""", "WKS.0004", "autoscale_type")]
    [InlineData("""{"autoscale_type":"ACCESS_CREATED"}""", "WKS.0002", "max_auto_created")]
    [InlineData("""{"autoscale_type":"ACCESS_CREATED","max_auto_created":0}""", "WKS.0003", "max_auto_created")]
    [InlineData("""{"autoscale_type":"ACCESS_CREATED","max_auto_created":1001}""", "WKS.0003", "max_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","once_auto_created":1,"max_auto_created":1}""",
        "WKS.0002", "min_idle")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":0,"once_auto_created":1,"max_auto_created":1}""",
        "WKS.0003", "min_idle")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":1001,"once_auto_created":1,"max_auto_created":1}""",
        "WKS.0003", "min_idle")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"max_auto_created":10}""",
        "WKS.0002", "once_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":0,"max_auto_created":10}""",
        "WKS.0003", "once_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":101,"max_auto_created":200}""",
        "WKS.0003", "once_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":10}""",
        "WKS.0002", "max_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":10,"max_auto_created":1001}""",
        "WKS.0003", "max_auto_created")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":11,"max_auto_created":10}""",
        "WKS.0006", "once_auto_created")]
    public async Task Create_WithAutoscalePolicyBreakingRules_IsRefused(string policy, string code, string field)
    {
        var request = Request().With("enable_autoscale", "true").With("autoscale_policy", policy);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, $"autoscale_policy.{field}");
    }

    [Theory]
    [InlineData("""{"autoscale_type":"ACCESS_CREATED","max_auto_created":1}""")]
    [InlineData("""{"autoscale_type":"ACCESS_CREATED","max_auto_created":1000}""")]
    [InlineData("""{"autoscale_type":"AUTO_CREATED","min_idle":1,"once_auto_created":1,"max_auto_created":1}""")]
    [InlineData("""
        {"autoscale_type":"AUTO_CREATED","min_idle":1000,"once_auto_created":100,"max_auto_created":1000}
        """)]
    public async Task Create_WithAutoscalePolicyOnBoundary_IsAccepted(string policy)
    {
        var request = Request().With("enable_autoscale", "true").With("autoscale_policy", policy);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Fact]
    public async Task Create_WithWorkedAutoscaleExample_IsAcceptedAndKeepsThePolicy()
    {
        var name = ServerFixture.Unique("prewarm");
        var request = Request(name).With("enable_autoscale", "true").With("autoscale_policy",
            """{"autoscale_type":"AUTO_CREATED","min_idle":5,"once_auto_created":10,"max_auto_created":10}""");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var pool = await _client.PoolByNameAsync(name);
        Assert.True(pool.GetProperty("enable_autoscale").GetBoolean());
        var policy = pool.GetProperty("autoscale_policy");
        Assert.Equal("AUTO_CREATED", policy.GetProperty("autoscale_type").GetString());
        Assert.Equal(5, policy.GetProperty("min_idle").GetInt32());
        Assert.Equal(10, policy.GetProperty("once_auto_created").GetInt32());
        Assert.Equal(10, policy.GetProperty("max_auto_created").GetInt32());
    }

    [Theory]
    [InlineData("""{"enable":true}""", "WKS.0002")]
    [InlineData("""{"enable":true,"reset_count_per_day":0}""", "WKS.0003")]
    [InlineData("""{"enable":true,"reset_count_per_day":101}""", "WKS.0003")]
    [InlineData("""{"enable":false,"reset_count_per_day":101}""", "WKS.0003")]
    public async Task Create_WithUserResetPolicyBreakingRules_IsRefused(string policy, string code)
    {
        var request = Request().With("user_reset_policy", policy);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, "user_reset_policy.reset_count_per_day");
    }

    [Theory]
    [InlineData("""{"enable":true,"reset_count_per_day":1}""")]
    [InlineData("""{"enable":true,"reset_count_per_day":100}""")]
    [InlineData("""{"enable":false}""")]
    public async Task Create_WithUserResetPolicyOnBoundary_IsAccepted(string policy)
    {
        var request = Request().With("user_reset_policy", policy);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Fact]
    public async Task Create_WithAuthorizedObjectThatIsNoUser_IsRefused()
    {
        var request = Request().With("authorized_objects",
            """[{"object_id":"u1","object_name":"alice","object_type":"USER","user_group":"users"}]""");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0007", "authorized_objects[0].object_id");
    }

    [Fact]
    public async Task Create_WithAuthorizedObjectOfUnknownType_IsRefused()
    {
        var request = Request().With("authorized_objects",
            """[{"object_id":"u1","object_name":"alice","object_type":"ROBOT","user_group":"users"}]""");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0004", "authorized_objects[0].object_type");
    }

    [Fact]
    public async Task Create_WithEmptyAuthorizedObjects_IsAccepted()
    {
        var request = Request().With("authorized_objects", "[]");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Fact]
    public async Task Create_WithUnknownNamingPolicy_IsRefused()
    {
        var request = Request();
        request["desktop_name_policy_id"] = Guid.NewGuid().ToString();

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0007", "desktop_name_policy_id");
    }

    [Fact]
    public async Task Create_WithNamingPolicyIdOf37Characters_IsRefused()
    {
        var request = Request();
        request["desktop_name_policy_id"] = Guid.NewGuid() + "x";

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "desktop_name_policy_id");
    }

    [Fact]
    public async Task Create_WithNamingPolicyEmbeddingTheUser_IsRefused()
    {
        var request = Request();
        request["desktop_name_policy_id"] = await CreatePolicyAsync("usr$DomainUser$");

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0006", "desktop_name_policy_id");
    }

    [Fact]
    public async Task Create_WithValidNamingPolicy_IsAcceptedAndNamesDesktopsByIt()
    {
        var prefix = $"np{Guid.NewGuid().ToString("N")[..6]}-";
        var name = ServerFixture.Unique("named");
        var request = Request(name, size: 2);
        request["desktop_name_policy_id"] = await CreatePolicyAsync(prefix);

        var jobId = (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        Assert.Equal("SUCCESS", (await _client.WaitForJobAsync(jobId)).GetProperty("status").GetString());
        var pool = await _client.PoolByNameAsync(name);
        var desktops = await _client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.Equal([$"{prefix}001", $"{prefix}002"],
            desktops.Select(d => d.GetProperty("computer_name").GetString()).Order());
    }

    [Fact]
    public async Task Create_WithEmptyNamingPolicyId_IsAcceptedWithoutPolicy()
    {
        var name = ServerFixture.Unique("nopolicy");
        var request = Request(name);
        request["desktop_name_policy_id"] = "";

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var pool = await _client.PoolByNameAsync(name);
        Assert.False(pool.TryGetProperty("desktop_name_policy_id", out _));
    }

    [Fact]
    public async Task Create_WithSeveralViolations_NamesTheFirstAndListsAll()
    {
        var request = Request().With("size", "-1").With("root_volume", """{"type":"SAS","size":85}""");

        var reply = await _client.PostJsonAsync(Pools, request);

        reply.AssertInvalid("WKS.0003", "size");
        var fields = reply.Body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Equal(["size", "root_volume.size"], fields);
    }

    [Fact]
    public async Task Create_WhenRefused_LeavesNoPoolBehind()
    {
        var name = ServerFixture.Unique("refused");
        var request = Request(name);
        request["desktop_name_policy_id"] = Guid.NewGuid().ToString();

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0007", "desktop_name_policy_id");

        var (_, list) = await _client.GetJsonAsync(Wire.Path($"desktop-pools?name={name}"));
        Assert.Equal(0, list.GetProperty("total_count").GetInt32());
    }

    /// <summary>A valid request, for an empty pool unless a size is given, uniquely named unless a name is.</summary>
    private static JsonObject Request(string? name = null, int size = 0) =>
        Wire.PoolRequest(name ?? ServerFixture.Unique("rules"), size);

    private async Task<string> CreatePolicyAsync(string prefix)
    {
        var (response, body) = await _client.PostJsonAsync(Wire.Path("desktop-name-policies"), new
        {
            policy_name = ServerFixture.Unique("policy").Replace('-', '_'),
            name_prefix = prefix,
            digit_number = 3,
            start_number = 1,
            single_domain_user_inc = 0,
        });
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("policy_id").GetString()!;
    }
}
