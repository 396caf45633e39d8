using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Deskpool.Core.Metering;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Api;

/// <summary>
/// Metering through the real pipeline on a fake clock: simulated boot and latency are zero, so every
/// state change lands exactly at the clock's instant and the expected charges can be worked out by hand.
/// Prices: the test package 0.5 per hour; disks SAS 0.001 and SSD 0.002 per GB-hour, so a desktop of
/// the test pool (80 GB SAS + 100 GB SSD) pays 0.28 per hour for its disks.
/// </summary>
public sealed class CostsApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Day = "from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z";

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly List<TestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lifecycle_CreatedStartedStoppedRestartedDeleted_ChargesExactly_RestartOrNot(bool restartMidway)
    {
        var server = await StartAsync();
        var poolId = await BuyAsync(server, "life", 1);

        _clock.Advance(TimeSpan.FromHours(2));
        await ActAsync(server, poolId, "os-stop");
        _clock.Advance(TimeSpan.FromHours(1));
        var beforeRestart = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=desktop");
        if (restartMidway)
        {
            server = await RestartAsync(server);
            Assert.Equal(beforeRestart.GetRawText(), (await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=desktop")).GetRawText());
        }

        await ActAsync(server, poolId, "os-start");
        _clock.Advance(TimeSpan.FromMinutes(30));
        await ActAsync(server, poolId, "reboot");
        _clock.Advance(TimeSpan.FromMinutes(90));
        await DeleteDesktopsAsync(server, poolId);
        _clock.Advance(TimeSpan.FromHours(1));
        await RollUpAsync(server);

        var report = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=desktop");

        // Running 0–2 h and 3–5 h (the reboot included): 4 h at 0.5. Disks from 0 h to the deletion at 5 h.
        var desktop = Assert.Single(report.GetProperty("groups").EnumerateArray());
        Assert.Equal("2.000000", desktop.GetProperty("compute_amount").GetRawText());
        Assert.Equal("1.400000", desktop.GetProperty("disk_amount").GetRawText());
        Assert.Equal("3.400000", desktop.GetProperty("amount").GetRawText());
        Assert.Equal(4 * 3600, desktop.GetProperty("running_seconds").GetInt64());
        Assert.Equal(5 * 3600 * 180, desktop.GetProperty("disk_gb_seconds").GetInt64());
        Assert.Equal([0.78m, 0.78m, 0.28m, 0.78m, 0.78m], Amounts(desktop.GetProperty("periods")));
        Assert.Equal("3.400000", report.GetProperty("total").GetProperty("amount").GetRawText());
        Assert.Equal("2026-12-01T06:00:00.000Z", report.GetProperty("metered_until").GetString());
        Assert.Equal("USD", report.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task PriceChange_MidPeriod_AppliesFromTheMomentItIsRecorded()
    {
        var server = await StartAsync();
        await BuyAsync(server, "reprice", 1);
        _clock.Advance(TimeSpan.FromMinutes(90));

        server = await RestartAsync(server, Prices(ultimate: 1.0m, revision: 2));
        _clock.Advance(TimeSpan.FromHours(1));

        var report = await ReportAsync(server, "costs?from=2026-12-01T00:00:00Z&to=2026-12-01T03:00:00Z&granularity=hourly&group_by=pool");
        var pool = Assert.Single(report.GetProperty("groups").EnumerateArray());
        var compute = pool.GetProperty("periods").EnumerateArray().Select(p => p.GetProperty("compute_amount").GetDecimal());
        Assert.Equal([0.5m, 0.75m, 0.5m], compute); // the middle hour: half at 0.5, half at 1.0
        Assert.Equal(1.75m, pool.GetProperty("compute_amount").GetDecimal());
        Assert.Equal(0.7m, pool.GetProperty("disk_amount").GetDecimal());

        var (_, prices) = await server.Client.GetJsonAsync(Wire.Path("prices"));
        var lists = prices.GetProperty("price_lists").EnumerateArray().ToList();
        Assert.Equal([2, 1], lists.Select(l => l.GetProperty("revision").GetInt32()));
        Assert.Equal("2026-12-01T01:30:00.000Z", lists[0].GetProperty("effective_from").GetString());
    }

    [Fact]
    public async Task SamePriceRevisionWithOtherPrices_IsRefusedWithAClearMessage()
    {
        var server = await StartAsync();
        var changed = new PricingOptions { Revision = 1, Currency = "USD" };
        var configured = server.Services.GetRequiredService<IOptions<PricingOptions>>().Value;
        foreach (var (item, price) in configured.Packages)
        {
            changed.Packages[item] = item == Wire.Ultimate ? 0.9m : price;
        }

        foreach (var (type, price) in configured.Disks)
        {
            changed.Disks[type] = price;
        }

        await using var scope = server.Services.CreateAsyncScope();
        var recorder = ActivatorUtilities.CreateInstance<PriceListRecorder>(
            scope.ServiceProvider, new FixedOptions<PricingOptions>(changed));

        var problem = await recorder.RecordConfiguredAsync(CancellationToken.None);

        Assert.NotNull(problem);
        Assert.Contains("raise Deskpool:Pricing:Revision to 2", problem, StringComparison.Ordinal);
        changed.Revision = 2;
        Assert.Null(await recorder.RecordConfiguredAsync(CancellationToken.None));
        var (_, prices) = await server.Client.GetJsonAsync(Wire.Path("prices"));
        Assert.Equal(2, prices.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Totals_AddUpExactly_AcrossEveryGrouping_AndRollUpsChangeNothing()
    {
        var server = await StartAsync();
        var poolA = await BuyAsync(server, "sum-a", 3);
        var poolB = await BuyAsync(server, "sum-b", 2, enterpriseProject: "ep-b");
        _clock.Advance(new TimeSpan(0, 17, 13));
        await ActAsync(server, poolA, "os-stop");
        _clock.Advance(new TimeSpan(0, 41, 7));
        await ActAsync(server, poolB, "hibernate");
        _clock.Advance(new TimeSpan(0, 13, 3));
        await ActAsync(server, poolA, "os-start");
        _clock.Advance(new TimeSpan(2, 5, 9));
        var live = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=pool");

        await RollUpAsync(server);

        var byPool = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=pool");
        Assert.Equal(live.GetRawText(), byPool.GetRawText());
        var byDesktop = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=desktop");
        var byProject = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=project");
        var byEnterprise = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=enterprise_project");
        var daily = await ReportAsync(server, $"costs?{Day}&granularity=daily&group_by=desktop");

        var total = byPool.GetProperty("total").GetProperty("amount").GetDecimal();
        Assert.NotEqual(decimal.Round(total, 2), total); // the amounts really need six places here
        foreach (var pool in byPool.GetProperty("groups").EnumerateArray())
        {
            var desktops = byDesktop.GetProperty("groups").EnumerateArray()
                .Where(d => d.GetProperty("desktop_pool_id").GetString() == pool.GetProperty("desktop_pool_id").GetString())
                .ToList();
            foreach (var field in new[] { "amount", "compute_amount", "disk_amount" })
            {
                Assert.Equal(pool.GetProperty(field).GetDecimal(), desktops.Sum(d => d.GetProperty(field).GetDecimal()));
            }

            foreach (var period in pool.GetProperty("periods").EnumerateArray())
            {
                var start = period.GetProperty("start").GetString();
                Assert.Equal(period.GetProperty("amount").GetDecimal(), desktops
                    .SelectMany(d => d.GetProperty("periods").EnumerateArray())
                    .Where(p => p.GetProperty("start").GetString() == start)
                    .Sum(p => p.GetProperty("amount").GetDecimal()));
            }
        }

        foreach (var report in new[] { byPool, byDesktop, byProject, byEnterprise, daily })
        {
            Assert.Equal(total, report.GetProperty("total").GetProperty("amount").GetDecimal());
            Assert.Equal(total, report.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("amount").GetDecimal()));
            Assert.Equal(total, report.GetProperty("periods").EnumerateArray().Sum(p => p.GetProperty("amount").GetDecimal()));
        }

        Assert.Equal(5, byDesktop.GetProperty("total_count").GetInt32());
        Assert.Equal(["0", "ep-b"], byEnterprise.GetProperty("groups").EnumerateArray()
            .Select(g => g.GetProperty("enterprise_project_id").GetString()));
    }

    [Fact]
    public async Task ChangeDatedBeforeTheRollUps_IsCounted_AndTheHoursAreRolledUpAgain()
    {
        var server = await StartAsync();
        var poolId = await BuyAsync(server, "late", 1);
        _clock.Advance(TimeSpan.FromHours(3));
        await RollUpAsync(server); // rolled up to 02:00

        // An API node whose clock is two hours behind takes the delete request.
        var laggingClock = new FakeTimeProvider(_clock.GetUtcNow().AddHours(-2));
        var lagging = await StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:RunWorkers"] = "false",
            ["Deskpool:NodeId"] = "lagging-node",
        }, server.DataDirectory, laggingClock);
        await DeleteDesktopsAsync(lagging, poolId, waitWith: server);

        var report = await ReportAsync(server, $"costs?{Day}&group_by=pool");
        await RollUpAsync(server);
        var afterRollUp = await ReportAsync(server, $"costs?{Day}&group_by=pool");

        Assert.Equal(3600, report.GetProperty("total").GetProperty("running_seconds").GetInt64());
        Assert.Equal(report.GetRawText(), afterRollUp.GetRawText());
    }

    [Fact]
    public async Task TwoNodesRollingUpAtOnce_CountEveryHourOnce()
    {
        var server = await StartAsync();
        await BuyAsync(server, "twins", 2);
        _clock.Advance(TimeSpan.FromHours(30));
        var expected = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=pool");
        var other = await StartAsync(new Dictionary<string, string?> { ["Deskpool:NodeId"] = "node-b" },
            server.DataDirectory, _clock);

        await Task.WhenAll(RollUpAsync(server), RollUpAsync(other), RollUpAsync(server), RollUpAsync(other));

        Assert.Equal(expected.GetRawText(), (await ReportAsync(other, $"costs?{Day}&granularity=hourly&group_by=pool")).GetRawText());
        Assert.Equal(24 * 2 * 3600, expected.GetProperty("total").GetProperty("running_seconds").GetInt64());
    }

    [Fact]
    public async Task PrepaidPools_AreNotMetered()
    {
        var server = await StartAsync();
        var request = Wire.PoolRequest("prepaid", 1);
        request["charging_mode"] = "0";
        await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(request));
        await BuyAsync(server, "payg", 1);
        _clock.Advance(TimeSpan.FromHours(2));

        var report = await ReportAsync(server, $"costs?{Day}&group_by=desktop");

        var desktop = Assert.Single(report.GetProperty("groups").EnumerateArray());
        Assert.Equal("payg", desktop.GetProperty("desktop_pool_name").GetString());
    }

    [Fact]
    public async Task Csv_ByAcceptHeaderOrExport_HasOneRowPerGroupAndPeriod_ThatAddUpToTheTotal()
    {
        var server = await StartAsync();
        await BuyAsync(server, "csv", 2);
        _clock.Advance(new TimeSpan(2, 10, 1));
        var report = await ReportAsync(server, $"costs?{Day}&granularity=hourly&group_by=desktop");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Wire.Path($"costs?{Day}&granularity=hourly&group_by=desktop"), UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var byAccept = await server.Client.SendAsync(request);
        var export = await server.Client.GetStringAsync(new Uri(Wire.Path($"costs/export?{Day}&granularity=hourly&group_by=desktop"), UriKind.Relative));

        Assert.Equal("text/csv", byAccept.Content.Headers.ContentType?.MediaType);
        var csv = await byAccept.Content.ReadAsStringAsync();
        Assert.Equal(export, csv);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("period_start,period_end,project_id,enterprise_project_id,desktop_pool_id,desktop_pool_name," +
            "desktop_id,computer_name,currency,running_seconds,disk_gb_seconds,compute_amount,disk_amount,amount", lines[0]);
        Assert.Equal(2 * 3, lines.Length - 1);
        Assert.Equal(report.GetProperty("total").GetProperty("amount").GetDecimal(),
            lines.Skip(1).Sum(l => decimal.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("granularity=daily", "WKS.0002", "from")]
    [InlineData("from=yesterday", "WKS.0004", "from")]
    [InlineData("from=2026-12-01T00:30:00Z", "WKS.0004", "from")]
    [InlineData("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "WKS.0006", "to")]
    [InlineData("from=2026-10-01&to=2026-11-02&granularity=hourly", "WKS.0003", "to")]
    [InlineData("from=2026-01-01&to=2027-01-03", "WKS.0003", "to")]
    [InlineData("from=2026-12-01&granularity=weekly", "WKS.0004", "granularity")]
    [InlineData("from=2026-12-01&group_by=user", "WKS.0004", "group_by")]
    [InlineData("from=2026-12-01&limit=1001", "WKS.0003", "limit")]
    public async Task BadQuery_IsRefused_NamingTheParameter(string query, string code, string field)
    {
        var server = await StartAsync();

        var (response, error) = await server.Client.GetJsonAsync(Wire.Path($"costs?{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error.Code());
        Assert.Equal(field, error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Costs_AreReadableWithAReadOnlyToken_ButNotFromAnotherProject()
    {
        var server = await StartAsync();

        var (readOnly, _) = await server.ClientFor(TestServer.ReadOnlyTokenA).GetJsonAsync(Wire.Path($"costs?{Day}"));
        var (other, error) = await server.ClientFor(TestServer.TokenB).GetJsonAsync(Wire.Path($"costs?{Day}"));

        Assert.Equal(HttpStatusCode.OK, readOnly.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("WKS.0403", error.Code());
    }

    private static Dictionary<string, string?> Prices(decimal ultimate = 0.5m, int revision = 1) => new()
    {
        ["Deskpool:Pricing:Revision"] = revision.ToString(CultureInfo.InvariantCulture),
        ["Deskpool:Pricing:Currency"] = "USD",
        [$"Deskpool:Pricing:Packages:{Wire.Ultimate}"] = ultimate.ToString(CultureInfo.InvariantCulture),
        ["Deskpool:Pricing:Disks:SAS"] = "0.001",
        ["Deskpool:Pricing:Disks:SSD"] = "0.002",
    };

    private async Task<TestServer> StartAsync(
        Dictionary<string, string?>? settings = null, string? dataDirectory = null, TimeProvider? clock = null)
    {
        var all = Prices();
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var server = await TestServer.StartAsync(all, dataDirectory, clock ?? _clock);
        _servers.Add(server);
        return server;
    }

    private async Task<TestServer> RestartAsync(TestServer server, Dictionary<string, string?>? settings = null)
    {
        await server.DisposeAsync();
        _servers.Remove(server);
        return await StartAsync(settings, server.DataDirectory);
    }

    private static async Task<string> BuyAsync(TestServer server, string name, int size, string? enterpriseProject = null)
    {
        var request = Wire.PoolRequest(name, size);
        if (enterpriseProject is not null)
        {
            request["enterprise_project_id"] = enterpriseProject;
        }

        var job = await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(request));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        return (await server.Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private static async Task ActAsync(TestServer server, string poolId, string opType)
    {
        var (response, body) = await server.Client.PostJsonAsync(
            Wire.Path($"desktop-pools/{poolId}/action"), new { op_type = opType, type = "SOFT" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = await server.Client.WaitForJobAsync(body.GetProperty("job_id").GetString()!);
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
    }

    private static async Task DeleteDesktopsAsync(TestServer server, string poolId, TestServer? waitWith = null)
    {
        var ids = (await server.Client.DesktopsAsync(poolId)).Select(d => d.GetProperty("desktop_id").GetString()).ToList();
        var (response, body) = await server.Client.PostJsonAsync(Wire.Path("desktops/batch-delete"), new { desktop_ids = ids });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await (waitWith ?? server).Client.WaitForJobAsync(body.GetProperty("job_id").GetString()!);
    }

    /// <summary>Rolls up every closed hour, as a node's metering worker would.</summary>
    private static async Task RollUpAsync(TestServer server)
    {
        while (true)
        {
            await using var scope = server.Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<MeterRollup>().RunOnceAsync(CancellationToken.None) == 0)
            {
                return;
            }
        }
    }

    private static async Task<JsonElement> ReportAsync(TestServer server, string path)
    {
        var (response, body) = await server.Client.GetJsonAsync(Wire.Path(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static decimal[] Amounts(JsonElement periods) =>
        periods.EnumerateArray().Select(p => p.GetProperty("amount").GetDecimal()).ToArray();
}

/// <summary>Options that are what the test says, for a use case built outside the server's configuration.</summary>
internal sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
