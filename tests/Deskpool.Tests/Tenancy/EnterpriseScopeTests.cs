using System.Net;
using System.Text.Json.Nodes;
using Deskpool.Core.Pools;
using Deskpool.Core.Tenancy;
using Deskpool.Tests.Api;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Tenancy;

/// <summary>
/// Project A with tokens confined to enterprise projects "finance" and "hr", one pool and one user
/// in each (bought and created by the unconfined administrator).
/// </summary>
public sealed class ScopeFixture : ServerFixture
{
    public const string FinanceToken = "token-a-finance";
    public const string FinanceReaderToken = "token-a-finance-read";
    public const string HrToken = "token-a-hr";

    public string FinancePool { get; private set; } = "";

    public string HrPool { get; private set; } = "";

    public string HrJob { get; private set; } = "";

    public string HrUser { get; private set; } = "";

    public string FinanceUser { get; private set; } = "";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Deskpool:Tenancy:Projects:0:Tokens:0:Name"] = "finance-admin",
        ["Deskpool:Tenancy:Projects:0:Tokens:0:Token"] = FinanceToken,
        ["Deskpool:Tenancy:Projects:0:Tokens:0:EnterpriseProjectId"] = "finance",
        ["Deskpool:Tenancy:Projects:0:Tokens:1:Name"] = "finance-reader",
        ["Deskpool:Tenancy:Projects:0:Tokens:1:Token"] = FinanceReaderToken,
        ["Deskpool:Tenancy:Projects:0:Tokens:1:Role"] = "ReadOnly",
        ["Deskpool:Tenancy:Projects:0:Tokens:1:EnterpriseProjectId"] = "finance",
        ["Deskpool:Tenancy:Projects:0:Tokens:2:Name"] = "hr-admin",
        ["Deskpool:Tenancy:Projects:0:Tokens:2:Token"] = HrToken,
        ["Deskpool:Tenancy:Projects:0:Tokens:2:EnterpriseProjectId"] = "hr",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        FinancePool = await BuyAsync("finance-pool", "finance");
        HrJob = await Client.CreatePoolAsync(Wire.PoolRequest("hr-pool", 1).WithText("enterprise_project_id", "hr"));
        await Client.WaitForJobAsync(HrJob);
        HrPool = (await Client.PoolByNameAsync("hr-pool")).GetProperty("id").GetString()!;
        FinanceUser = await CreateUserAsync("fiona", "finance");
        HrUser = await CreateUserAsync("harry", "hr");
    }

    private async Task<string> BuyAsync(string name, string enterpriseProject)
    {
        var job = await Client.CreatePoolAsync(Wire.PoolRequest(name, 1).WithText("enterprise_project_id", enterpriseProject));
        await Client.WaitForJobAsync(job);
        return (await Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private async Task<string> CreateUserAsync(string name, string enterpriseProject)
    {
        var (response, body) = await Client.PostJsonAsync(Wire.Path("users"), new JsonObject
        {
            ["user_name"] = name,
            ["active_type"] = "ADMIN_ACTIVATE",
            ["password"] = EndUsers.Password,
            ["next_login_change_password"] = false,
            ["enterprise_project_id"] = enterpriseProject,
        });
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return body.GetProperty("id").GetString()!;
    }
}

/// <summary>
/// A token confined to an enterprise project sees and changes only that enterprise project's pools
/// and users (and their jobs and costs); what lies outside answers exactly as if it did not exist.
/// </summary>
public sealed class EnterpriseScopeTests(ScopeFixture fixture) : IClassFixture<ScopeFixture>
{
    private const string Missing = "00000000-0000-0000-0000-000000000000";

    private HttpClient Finance => fixture.Server.ClientFor(ScopeFixture.FinanceToken);

    [Fact]
    public async Task A_confined_token_manages_only_its_own_access_keys()
    {
        var (_, adminKey) = await fixture.Client.PostJsonAsync(Wire.Path("access-keys"), new JsonObject { ["name"] = "whole-project" });
        var adminAccess = adminKey.GetProperty("access_key").GetProperty("access").GetString()!;

        var (forAdmin, forAdminError) = await Finance.PostJsonAsync(Wire.Path("access-keys"),
            new JsonObject { ["name"] = "escape", ["credential"] = "administrator" });
        var (forNobody, forNobodyError) = await Finance.PostJsonAsync(Wire.Path("access-keys"),
            new JsonObject { ["name"] = "probe", ["credential"] = "no-such-credential" });
        var (own, ownKey) = await Finance.PostJsonAsync(Wire.Path("access-keys"), new JsonObject { ["name"] = "mine" });
        var (_, listed) = await Finance.GetJsonAsync(Wire.Path("access-keys"));
        var (disable, _) = await Finance.CallAsync(HttpMethod.Put, Wire.Path($"access-keys/{adminAccess}"), """{"status":"DISABLED"}""");
        var (delete, _) = await Finance.CallAsync(HttpMethod.Delete, Wire.Path($"access-keys/{adminAccess}"));
        var (_, adminList) = await fixture.Client.GetJsonAsync(Wire.Path("access-keys"));

        Assert.Equal(HttpStatusCode.Forbidden, forAdmin.StatusCode);
        Assert.Equal("WKS.0040", forAdminError.Code());
        Assert.Equal(HttpStatusCode.Forbidden, forNobody.StatusCode);
        Assert.Equal(forAdminError.Message(), forNobodyError.Message());
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        var mine = ownKey.GetProperty("access_key").GetProperty("access").GetString();
        Assert.Equal([mine], listed.GetProperty("access_keys").EnumerateArray().Select(k => k.GetProperty("access").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, disable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        var adminKeyNow = adminList.GetProperty("access_keys").EnumerateArray().Single(k => k.GetProperty("access").GetString() == adminAccess);
        Assert.Equal("ENABLED", adminKeyNow.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ListPools_ForConfinedToken_ShowsOnlyItsEnterpriseProject()
    {
        var (_, finance) = await Finance.GetJsonAsync(Wire.Path("desktop-pools"));
        var (_, everything) = await fixture.Client.GetJsonAsync(Wire.Path("desktop-pools"));

        var seen = finance.GetProperty("desktop_pools").EnumerateArray().ToList();
        Assert.NotEmpty(seen);
        Assert.All(seen, p => Assert.Equal("finance", p.GetProperty("enterprise_project_id").GetString()));
        Assert.Equal(seen.Count, finance.GetProperty("total_count").GetInt32());
        Assert.Contains(everything.GetProperty("desktop_pools").EnumerateArray(), p => p.GetProperty("id").GetString() == fixture.HrPool);
    }

    public static TheoryData<string, string, string?> PoolRoutes => new()
    {
        { "GET", "desktop-pools/{pool}", null },
        { "GET", "desktop-pools/{pool}/desktops", null },
        { "GET", "desktop-pools/{pool}/events", null },
        { "PUT", "desktop-pools/{pool}", """{"description":"taken over"}""" },
        { "DELETE", "desktop-pools/{pool}", null },
        { "POST", "desktop-pools/{pool}/expand", """{"size":1}""" },
        { "POST", "desktop-pools/{pool}/action", """{"op_type":"os-stop"}""" },
    };

    [Theory]
    [MemberData(nameof(PoolRoutes))]
    public async Task PoolOfAnotherEnterpriseProject_AnswersAsAMissingOne(string method, string route, string? body)
    {
        var foreign = await Finance.CallAsync(new HttpMethod(method), Wire.Path(route.Replace("{pool}", fixture.HrPool)), body);
        var missing = await Finance.CallAsync(new HttpMethod(method), Wire.Path(route.Replace("{pool}", Missing)), body);

        foreign.AssertError(HttpStatusCode.NotFound, "WKS.00020404");
        Assert.Equal(missing.Response.StatusCode, foreign.Response.StatusCode);
        Assert.Equal(missing.Body.Code(), foreign.Body.Code());
        Assert.Equal(missing.Body.Message().Replace(Missing, "", StringComparison.Ordinal),
            foreign.Body.Message().Replace(fixture.HrPool, "", StringComparison.Ordinal));
        var (_, pool) = await fixture.Client.GetJsonAsync(Wire.Path($"desktop-pools/{fixture.HrPool}"));
        Assert.Equal("hr-pool", pool.GetProperty("name").GetString());
        Assert.NotEqual("taken over", pool.Optional("description"));
    }

    [Fact]
    public async Task CreatePool_WithoutEnterpriseProject_LandsInTheTokensOwn()
    {
        var name = ServerFixture.Unique("fin");
        var job = await Finance.CreatePoolAsync(Wire.PoolRequest(name, 1));
        await Finance.WaitForJobAsync(job);

        var pool = await fixture.Client.PoolByNameAsync(name);
        Assert.Equal("finance", pool.GetProperty("enterprise_project_id").GetString());
    }

    [Fact]
    public async Task CreatePool_InAnotherEnterpriseProject_IsForbiddenNamingTheField()
    {
        var reply = await Finance.PostJsonAsync(Wire.Path("desktop-pools"),
            Wire.PoolRequest(ServerFixture.Unique("fin"), 1).WithText("enterprise_project_id", "hr"));

        reply.AssertRefused(HttpStatusCode.Forbidden, "WKS.0040", "enterprise_project_id");
    }

    [Fact]
    public async Task UpdatePool_MovingItOutOfTheScope_IsForbidden()
    {
        var reply = await Finance.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.FinancePool}"),
            """{"enterprise_project_id":"hr"}""");

        reply.AssertRefused(HttpStatusCode.Forbidden, "WKS.0040", "enterprise_project_id");
    }

    [Fact]
    public async Task Users_OfAnotherEnterpriseProject_AreHiddenAndAnswerAsMissing()
    {
        var (_, list) = await Finance.GetJsonAsync(Wire.Path("users"));
        var foreign = await Finance.GetJsonAsync(Wire.Path($"users/{fixture.HrUser}"));
        var missing = await Finance.GetJsonAsync(Wire.Path($"users/{Missing}"));
        var update = await Finance.CallAsync(HttpMethod.Put, Wire.Path($"users/{fixture.HrUser}"), """{"description":"x"}""");
        var delete = await Finance.PostJsonAsync(Wire.Path("users/batch-delete"), new { user_ids = new[] { fixture.HrUser } });

        var ids = list.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.Contains(fixture.FinanceUser, ids);
        Assert.DoesNotContain(fixture.HrUser, ids);
        Assert.Equal(missing.Response.StatusCode, foreign.Response.StatusCode);
        Assert.Equal(missing.Body.Code(), foreign.Body.Code());
        update.AssertError(missing.Response.StatusCode, missing.Body.Code());
        delete.AssertError(missing.Response.StatusCode, missing.Body.Code());
        var (still, _) = await fixture.Client.GetJsonAsync(Wire.Path($"users/{fixture.HrUser}"));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task CreateUser_LandsInTheScope_AndAnotherEnterpriseProjectIsForbidden()
    {
        var name = ServerFixture.Unique("fu");
        var (created, user) = await Finance.PostJsonAsync(Wire.Path("users"), new
        {
            user_name = name, active_type = "ADMIN_ACTIVATE", password = EndUsers.Password,
        });
        var refused = await Finance.PostJsonAsync(Wire.Path("users"), new
        {
            user_name = ServerFixture.Unique("fu"), active_type = "ADMIN_ACTIVATE", password = EndUsers.Password,
            enterprise_project_id = "hr",
        });

        Assert.True(created.IsSuccessStatusCode, user.ToString());
        var (_, detail) = await fixture.Client.GetJsonAsync(Wire.Path($"users/{user.GetProperty("id").GetString()}"));
        Assert.Equal("finance", detail.GetProperty("user_detail").GetProperty("enterprise_project_id").GetString());
        refused.AssertRefused(HttpStatusCode.Forbidden, "WKS.0040", "enterprise_project_id");
    }

    [Fact]
    public async Task JobsOfAnotherEnterpriseProjectsPools_AreNotVisible()
    {
        var job = await Finance.GetJsonAsync(Wire.Path($"workspace-jobs/{fixture.HrJob}"));
        var (_, subJobs) = await Finance.GetJsonAsync(Wire.Path($"workspace-sub-jobs?job_id={fixture.HrJob}"));
        var (_, adminSubJobs) = await fixture.Client.GetJsonAsync(Wire.Path($"workspace-sub-jobs?job_id={fixture.HrJob}"));

        job.AssertError(HttpStatusCode.NotFound, "WKS.00060404");
        Assert.Equal(0, subJobs.GetProperty("total_count").GetInt32());
        Assert.True(adminSubJobs.GetProperty("total_count").GetInt32() > 0);
    }

    [Theory]
    [InlineData("enterprise_project", "enterprise_project_id", "finance", "hr")]
    [InlineData("pool", "desktop_pool_name", "finance-pool", "hr-pool")]
    [InlineData("desktop", "desktop_pool_name", "finance-pool", "hr-pool")]
    public async Task Costs_ForConfinedToken_AreGroupedOnlyOverItsEnterpriseProject(
        string groupBy, string property, string own, string foreign)
    {
        var hour = DateTimeOffset.UtcNow;
        var from = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero).AddHours(-1);
        var path = Wire.Path($"costs?from={from:yyyy-MM-ddTHH:mm:ssZ}&group_by={groupBy}&limit=500");

        var (response, scoped) = await Finance.GetJsonAsync(path);
        var (_, everything) = await fixture.Client.GetJsonAsync(path);

        Assert.True(response.StatusCode == HttpStatusCode.OK, scoped.ToString());
        var seen = scoped.GetProperty("groups").EnumerateArray().Select(g => g.Optional(property)).ToList();
        Assert.Contains(own, seen);
        Assert.DoesNotContain(foreign, seen);
        if (groupBy == "enterprise_project")
        {
            Assert.Equal([own], seen);
        }

        Assert.Contains(foreign, everything.GetProperty("groups").EnumerateArray().Select(g => g.Optional(property)));
    }

    [Fact]
    public async Task MailMessages_ForConfinedToken_ShowOnlyMailToItsUsers()
    {
        var hrName = ServerFixture.Unique("hrmail");
        var finName = ServerFixture.Unique("finmail");
        await fixture.Client.PostJsonAsync(Wire.Path("users"),
            UserRulesTests.SelfUser(hrName).WithText("enterprise_project_id", "hr"));
        await fixture.Client.PostJsonAsync(Wire.Path("users"),
            UserRulesTests.SelfUser(finName).WithText("enterprise_project_id", "finance"));

        var (_, scoped) = await Finance.GetJsonAsync(Wire.Path("mail-messages"));
        var (_, everything) = await fixture.Client.GetJsonAsync(Wire.Path("mail-messages"));

        var seen = scoped.GetProperty("mail_messages").EnumerateArray().Select(m => m.GetProperty("to").GetString()).ToList();
        Assert.Contains($"{finName}@example.com", seen);
        Assert.DoesNotContain($"{hrName}@example.com", seen);
        Assert.Contains($"{hrName}@example.com",
            everything.GetProperty("mail_messages").EnumerateArray().Select(m => m.GetProperty("to").GetString()));
    }

    [Theory]
    [InlineData("PUT", "desktop-pools/{pool}", """{"description":"read-only try"}""")]
    [InlineData("POST", "desktop-pools/{pool}/expand", """{"size":1}""")]
    [InlineData("POST", "users/batch-delete", """{"user_ids":["{user}"]}""")]
    public async Task ConfinedReadOnlyToken_IsRefusedOnWrites(string method, string route, string body)
    {
        var reader = fixture.Server.ClientFor(ScopeFixture.FinanceReaderToken);
        var path = route.Replace("{pool}", fixture.FinancePool, StringComparison.Ordinal);

        var reply = await reader.CallAsync(new HttpMethod(method), Wire.Path(path),
            body.Replace("{user}", fixture.FinanceUser, StringComparison.Ordinal));
        var (read, _) = await reader.GetJsonAsync(Wire.Path($"desktop-pools/{fixture.FinancePool}"));

        reply.AssertError(HttpStatusCode.Forbidden, "WKS.0403");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Theory]
    [InlineData("POST", "desktop-name-policies",
        """{"policy_name":"fin_rule","name_prefix":"F","digit_number":3,"start_number":1,"single_domain_user_inc":0}""")]
    [InlineData("POST", "groups", """{"group_name":"fin-group","platform_type":"LOCAL"}""")]
    [InlineData("POST", "service-authorization", null)]
    public async Task ProjectWideSettings_AreReadableButNotChangeableByConfinedTokens(string method, string route, string? body)
    {
        var reply = await Finance.CallAsync(new HttpMethod(method), Wire.Path(route), body);
        var (read, _) = await Finance.GetJsonAsync(Wire.Path(route));

        reply.AssertError(HttpStatusCode.Forbidden, "WKS.0040");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task ConfiguredToken_WithAnInvalidEnterpriseProject_StopsTheServerNamingIt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:Tenancy:Projects:0:Tokens:0:Name"] = "broken",
            ["Deskpool:Tenancy:Projects:0:Tokens:0:Token"] = "token-a-broken",
            ["Deskpool:Tenancy:Projects:0:Tokens:0:EnterpriseProjectId"] = "no spaces allowed",
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () => await TestServer.StartAsync(settings));

        var message = failure.ToString();
        Assert.Contains("broken", message, StringComparison.Ordinal);
        Assert.Contains("EnterpriseProjectId", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoreCalls_WithConfinedCredential_SeeOnlyItsPools()
    {
        // The console admits its session's credential to the call's scope, exactly like this.
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var projects = scope.ServiceProvider.GetRequiredService<ProjectService>();
        var credential = await projects.FindCredentialAsync(ScopeFixture.FinanceToken, CancellationToken.None);
        scope.ServiceProvider.GetRequiredService<AccessScope>().Admit(credential!);
        var pools = scope.ServiceProvider.GetRequiredService<PoolService>();

        var listed = await pools.ListAsync(TestServer.ProjectA,
            new PoolListQuery(null, null, null, null, 0, 1000), CancellationToken.None);
        var foreign = await pools.GetAsync(TestServer.ProjectA, fixture.HrPool, CancellationToken.None);

        Assert.True(listed.Succeeded);
        Assert.All(listed.Value.Items, v => Assert.Equal("finance", v.Pool.EnterpriseProjectId));
        Assert.Contains(listed.Value.Items, v => v.Pool.Id == fixture.FinancePool);
        Assert.False(foreign.Succeeded);
        Assert.Equal("WKS.00020404", foreign.Failure.Code);
    }

    [Theory]
    [MemberData(nameof(AccessRulesTests.AllRoutes), MemberType = typeof(AccessRulesTests))]
    public async Task EndUserSessionToken_IsUnauthenticatedOnEveryAdminRoute(string method, string route)
    {
        var user = await fixture.Server.SignInAsync("fiona", fixture.FinanceUser);
        var path = route.Replace("{pool}", fixture.FinancePool).Replace("{job}", fixture.HrJob)
            .Replace("{desktop}", Missing).Replace("{policy}", Missing);

        var reply = await user.Http.CallAsync(new HttpMethod(method), Wire.Path(path), method == "GET" ? null : "{}");

        reply.AssertError(HttpStatusCode.Unauthorized, "APIG.0301");
    }

    [Fact]
    public async Task EndUser_ConnectingToAPoolTheyAreNotAuthorisedFor_GetsNotFound()
    {
        var user = await fixture.Server.SignInAsync("fiona", fixture.FinanceUser);

        var foreign = await user.ConnectAsync(fixture.HrPool);
        var missing = await user.ConnectAsync(Missing);

        foreign.AssertError(HttpStatusCode.NotFound, "WKS.00020404");
        Assert.Equal(missing.Body.Message().Replace(Missing, "", StringComparison.Ordinal),
            foreign.Body.Message().Replace(fixture.HrPool, "", StringComparison.Ordinal));
    }
}
