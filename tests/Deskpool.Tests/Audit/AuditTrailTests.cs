using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Tests.Support;
using Deskpool.Tests.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Audit;

/// <summary>
/// Project A with the enterprise-project tokens of <see cref="ScopeFixture"/>, a pool in "finance"
/// and one in "hr". The in-memory test host has no peer address, so requests are given 127.0.0.1
/// before the pipeline sees them, as a loopback client would have.
/// </summary>
public sealed class AuditFixture : ServerFixture
{
    public string FinancePool { get; private set; } = "";

    public string HrPool { get; private set; } = "";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Deskpool:Tenancy:Projects:0:Tokens:0:Name"] = "finance-admin",
        ["Deskpool:Tenancy:Projects:0:Tokens:0:Token"] = ScopeFixture.FinanceToken,
        ["Deskpool:Tenancy:Projects:0:Tokens:0:EnterpriseProjectId"] = "finance",
        ["Deskpool:Tenancy:Projects:0:Tokens:1:Name"] = "hr-admin",
        ["Deskpool:Tenancy:Projects:0:Tokens:1:Token"] = ScopeFixture.HrToken,
        ["Deskpool:Tenancy:Projects:0:Tokens:1:EnterpriseProjectId"] = "hr",
    };

    protected override Action<IServiceCollection>? Services =>
        services => services.AddTransient<IStartupFilter, LoopbackPeer>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        FinancePool = await BuyAsync("audited-finance", "finance");
        HrPool = await BuyAsync("audited-hr", "hr");
    }

    public async Task<string> CredentialIdAsync(string token)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var credential = await scope.ServiceProvider.GetRequiredService<ProjectService>()
            .FindCredentialAsync(token, CancellationToken.None);
        return credential!.Id;
    }

    private async Task<string> BuyAsync(string name, string enterpriseProject)
    {
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(
            Wire.PoolRequest(name, 1).WithText("enterprise_project_id", enterpriseProject)));
        return (await Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private sealed class LoopbackPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                return following(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Every change asked of the API is recorded with who, what, when, from where and the result;
/// reads are not; the rows cannot be changed or removed; the trail can be filtered, paged,
/// exported, and a confined token reads only its enterprise project's part of it.
/// </summary>
public sealed class AuditTrailTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private const string Missing = "00000000-0000-0000-0000-000000000000";

    [Fact]
    public async Task Change_IsRecordedWithActorAddressAgentAndResult()
    {
        var client = fixture.Server.ClientFor(TestServer.TokenA);
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("audit-probe", "1.0"));
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        var (made, _) = await client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.FinancePool}"),
            """{"description":"audited change"}""");
        var entry = await OnlyEntryAsync("UpdateDesktopPool", since);

        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        Assert.Equal("credential", entry.GetProperty("actor_type").GetString());
        Assert.Equal(await fixture.CredentialIdAsync(TestServer.TokenA), entry.GetProperty("actor_id").GetString());
        Assert.Equal("administrator", entry.GetProperty("actor_name").GetString());
        Assert.Equal(["poolId=" + fixture.FinancePool],
            entry.GetProperty("targets").EnumerateArray().Select(t => t.GetString()).ToList());
        Assert.Equal("finance", entry.GetProperty("enterprise_project_id").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("remote_address").GetString());
        Assert.Equal("audit-probe/1.0", entry.GetProperty("user_agent").GetString());
        Assert.Equal(200, entry.GetProperty("status_code").GetInt32());
        Assert.Equal("success", entry.GetProperty("result").GetString());
        var at = DateTimeOffset.Parse(entry.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, since, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Failure_IsRecordedWithItsErrorCode()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        var refused = await fixture.Client.PostJsonAsync(Wire.Path($"desktop-pools/{Missing}/expand"), new { size = 1 });
        var entry = await OnlyEntryAsync("ExpandDesktopPool", since);

        refused.AssertError(HttpStatusCode.NotFound, "WKS.00020404");
        Assert.Equal("failure", entry.GetProperty("result").GetString());
        Assert.Equal(404, entry.GetProperty("status_code").GetInt32());
        Assert.Equal("WKS.00020404", entry.GetProperty("error_code").GetString());
        Assert.Equal("poolId=" + Missing, entry.GetProperty("targets")[0].GetString());
    }

    [Fact]
    public async Task UnauthenticatedChange_IsRecordedAsAnonymous()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        var (refused, _) = await fixture.Server.ClientFor("token-nobody-issued")
            .PostJsonAsync(Wire.Path("service-authorization"), null);
        var entry = await OnlyEntryAsync("GrantServiceAuthorization", since);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("anonymous", entry.GetProperty("actor_type").GetString());
        Assert.Equal("APIG.0301", entry.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Reads_AreNotRecorded()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        await fixture.Client.GetJsonAsync(Wire.Path("desktop-pools"));
        await fixture.Client.GetJsonAsync(Wire.Path($"desktop-pools/{fixture.FinancePool}"));
        var (_, page) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?from={Instant(since)}"));

        Assert.Equal(0, page.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task ListFilters_AndPaging_SelectTheRightEntriesNewestFirst()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.FinancePool}"),
                $$"""{"description":"round {{i}}"}""");
        }

        await fixture.Client.PostJsonAsync(Wire.Path($"desktop-pools/{Missing}/expand"), new { size = 1 });
        var from = $"from={Instant(since)}";
        var (_, first) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?{from}&limit=2"));
        var (_, second) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?{from}&limit=2&offset=2"));
        var (_, failures) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?{from}&result=failure"));
        var (_, updates) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?{from}&action=UpdateDesktopPool"));
        var (_, before) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?to={Instant(since)}&action=ExpandDesktopPool&{from}"));
        var (_, someoneElse) = await fixture.Client.GetJsonAsync(Wire.Path($"audit-events?{from}&actor_id={Missing}"));
        var invalid = await fixture.Client.GetJsonAsync(Wire.Path("audit-events?result=maybe"));

        Assert.Equal(4, first.GetProperty("total_count").GetInt32());
        var ids = first.GetProperty("audit_events").EnumerateArray()
            .Concat(second.GetProperty("audit_events").EnumerateArray())
            .Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(4, ids.Count);
        Assert.Equal(ids.OrderByDescending(id => id), ids);
        Assert.Equal("ExpandDesktopPool", first.GetProperty("audit_events")[0].GetProperty("action").GetString());
        Assert.Equal(1, failures.GetProperty("total_count").GetInt32());
        Assert.Equal(3, updates.GetProperty("total_count").GetInt32());
        Assert.Equal(0, before.GetProperty("total_count").GetInt32());
        Assert.Equal(0, someoneElse.GetProperty("total_count").GetInt32());
        invalid.AssertInvalid("WKS.0004", "result");
    }

    [Fact]
    public async Task Export_WritesCsvAndJsonLinesOfTheSameEntries()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await fixture.Client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.FinancePool}"),
            """{"description":"=cmd, \"quoted\""}""");
        await fixture.Client.PostJsonAsync(Wire.Path($"desktop-pools/{Missing}/expand"), new { size = 1 });
        var query = $"from={Instant(since)}";

        using var csv = await fixture.Client.GetAsync(new Uri(Wire.Path($"audit-events/export?{query}&format=csv"), UriKind.Relative));
        using var jsonl = await fixture.Client.GetAsync(new Uri(Wire.Path($"audit-events/export?{query}&format=jsonl"), UriKind.Relative));
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var lines = (await jsonl.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var refused = await fixture.Client.GetJsonAsync(Wire.Path("audit-events/export?format=xml"));

        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/jsonl", jsonl.Content.Headers.ContentType!.MediaType);
        Assert.Equal("id,at,actor_type,actor_id,actor_name,action,targets,enterprise_project_id,remote_address," +
            "user_agent,status_code,result,error_code", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Equal(2, lines.Count);
        Assert.Equal(["UpdateDesktopPool", "ExpandDesktopPool"], lines.Select(l => l.GetProperty("action").GetString()).ToList());
        Assert.Equal(lines.Select(l => l.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)),
            rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.EndsWith(",failure,WKS.00020404", rows[2], StringComparison.Ordinal);
        refused.AssertInvalid("WKS.0004", "format");
    }

    [Fact]
    public async Task ConfinedToken_ReadsOnlyItsEnterpriseProjectAndItsOwnEntries()
    {
        var since = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var finance = fixture.Server.ClientFor(ScopeFixture.FinanceToken);
        var hr = fixture.Server.ClientFor(ScopeFixture.HrToken);
        await fixture.Client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.FinancePool}"), """{"description":"f"}""");
        await fixture.Client.CallAsync(HttpMethod.Put, Wire.Path($"desktop-pools/{fixture.HrPool}"), """{"description":"h"}""");
        await finance.PostJsonAsync(Wire.Path("groups"), new { group_name = "fin-try", platform_type = "LOCAL" });
        await hr.PostJsonAsync(Wire.Path("groups"), new { group_name = "hr-try", platform_type = "LOCAL" });
        var query = Wire.Path($"audit-events?from={Instant(since)}");

        var (_, seenByFinance) = await finance.GetJsonAsync(query);
        var (_, seenByAll) = await fixture.Client.GetJsonAsync(query);

        var financeId = await fixture.CredentialIdAsync(ScopeFixture.FinanceToken);
        var entries = seenByFinance.GetProperty("audit_events").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, e => e.GetProperty("actor_id").GetString() == financeId
            && e.GetProperty("action").GetString() == "CreateUserGroup" && e.GetProperty("error_code").GetString() == "WKS.0040");
        Assert.Contains(entries, e => e.GetProperty("targets").EnumerateArray()
            .Any(t => t.GetString() == "poolId=" + fixture.FinancePool));
        Assert.Equal(4, seenByAll.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task ReadOnlyToken_MayReadTheTrail()
    {
        var reply = await fixture.Server.ClientFor(TestServer.ReadOnlyTokenA).GetJsonAsync(Wire.Path("audit-events"));

        Assert.Equal(HttpStatusCode.OK, reply.Response.StatusCode);
    }

    [Fact]
    public async Task RawUpdateAndDelete_AreRefusedByTheDatabase()
    {
        await AssertAppendOnlyAsync();
    }

    [PostgresFact]
    public async Task RawUpdateAndDelete_AreRefusedByPostgresTriggers()
    {
        await AssertAppendOnlyAsync();
    }

    private async Task AssertAppendOnlyAsync()
    {
        await fixture.Client.PostJsonAsync(Wire.Path($"desktop-pools/{Missing}/expand"), new { size = 1 });
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var before = await db.AuditEvents.CountAsync();

        await Assert.ThrowsAnyAsync<DbException>(() =>
            db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET \"Succeeded\" = NOT \"Succeeded\""));
        await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));
        await Assert.ThrowsAnyAsync<DbException>(() => db.AuditEvents.ExecuteDeleteAsync());

        Assert.True(before > 0);
        Assert.Equal(before, await db.AuditEvents.CountAsync());
        Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.Action == "UpdateDesktopPool" && e.StatusCode == null));
    }

    private async Task<JsonElement> OnlyEntryAsync(string action, DateTimeOffset since)
    {
        var (response, page) = await fixture.Client.GetJsonAsync(
            Wire.Path($"audit-events?action={action}&from={Instant(since)}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, page.ToString());
        return Assert.Single(page.GetProperty("audit_events").EnumerateArray().ToList());
    }

    private static string Instant(DateTimeOffset at) =>
        Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
