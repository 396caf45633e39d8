using System.Globalization;
using System.Text;
using Deskpool.Core.Metering;
using Microsoft.Net.Http.Headers;

namespace Deskpool.Server.Api;

internal sealed record CostTotalWire(
    decimal Amount, decimal ComputeAmount, decimal DiskAmount, long RunningSeconds, long DiskGbSeconds)
{
    public static CostTotalWire From(CostFigures f) =>
        new(f.Amount, f.ComputeAmount, f.DiskAmount, f.RunningSeconds, f.DiskGbSeconds);
}

internal sealed record CostPeriodWire(
    string Start,
    string End,
    decimal Amount,
    decimal ComputeAmount,
    decimal DiskAmount,
    long RunningSeconds,
    long DiskGbSeconds)
{
    public static CostPeriodWire From(CostPeriod p) => new(ApiJson.Time(p.Start), ApiJson.Time(p.End),
        p.Figures.Amount, p.Figures.ComputeAmount, p.Figures.DiskAmount, p.Figures.RunningSeconds,
        p.Figures.DiskGbSeconds);
}

internal sealed record CostGroupWire(
    string ProjectId,
    string? EnterpriseProjectId,
    string? DesktopPoolId,
    string? DesktopPoolName,
    string? DesktopId,
    string? ComputerName,
    decimal Amount,
    decimal ComputeAmount,
    decimal DiskAmount,
    long RunningSeconds,
    long DiskGbSeconds,
    IReadOnlyList<CostPeriodWire> Periods)
{
    public static CostGroupWire From(CostGroup g) => new(g.ProjectId, g.EnterpriseProjectId, g.PoolId, g.PoolName,
        g.DesktopId, g.ComputerName, g.Total.Amount, g.Total.ComputeAmount, g.Total.DiskAmount,
        g.Total.RunningSeconds, g.Total.DiskGbSeconds, g.Periods.Select(CostPeriodWire.From).ToList());
}

internal sealed record CostReportWire(
    string Currency,
    string From,
    string To,
    string MeteredUntil,
    string Granularity,
    string GroupBy,
    int TotalCount,
    CostTotalWire Total,
    IReadOnlyList<CostPeriodWire> Periods,
    IReadOnlyList<CostGroupWire> Groups)
{
    // Named Of, not From: the report has a From field.
    public static CostReportWire Of(CostReport r) => new(r.Currency, ApiJson.Time(r.From), ApiJson.Time(r.To),
        ApiJson.Time(r.MeteredUntil), r.Granularity, r.GroupBy, r.TotalCount, CostTotalWire.From(r.Total),
        r.Periods.Select(CostPeriodWire.From).ToList(), r.Groups.Select(CostGroupWire.From).ToList());
}

internal sealed record PackagePriceWire(string ProductId, decimal HourlyPrice);

internal sealed record DiskPriceWire(string Type, decimal GbHourPrice);

internal sealed record PriceListWire(
    int Revision,
    string Currency,
    string EffectiveFrom,
    string RecordedAt,
    IReadOnlyList<PackagePriceWire> Packages,
    IReadOnlyList<DiskPriceWire> Disks)
{
    public static PriceListWire From(PriceList l) => new(l.Revision, l.Currency, ApiJson.Time(l.EffectiveFrom),
        ApiJson.Time(l.RecordedAt),
        l.Prices.Where(p => p.Kind == PriceKind.Package).OrderBy(p => p.Item, StringComparer.Ordinal)
            .Select(p => new PackagePriceWire(p.Item, p.UnitPrice)).ToList(),
        l.Prices.Where(p => p.Kind == PriceKind.Disk).OrderBy(p => p.Item, StringComparer.Ordinal)
            .Select(p => new DiskPriceWire(p.Item, p.UnitPrice)).ToList());
}

internal sealed record PriceListsResponse(int TotalCount, IReadOnlyList<PriceListWire> PriceLists);

/// <summary>
/// Usage and cost (a Deskpool extension): reports by project, enterprise project, pool or desktop,
/// hourly or daily, as JSON or CSV; and the recorded price lists.
/// </summary>
internal static class CostsApi
{
    private const string CsvType = "text/csv";

    public static void MapCostsApi(this RouteGroupBuilder project)
    {
        project.MapGet("/costs", async (string projectId, HttpRequest http, CostReports costs, CancellationToken ct) =>
        {
            var (query, invalid) = ReadQuery(http);
            if (invalid is not null)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            if (WantsCsv(http))
            {
                return await ExportAsync(projectId, query, http, costs, ct);
            }

            return Reply.Json(await costs.GetAsync(projectId, query, ct), CostReportWire.Of, http.HttpContext);
        }).WithName("ShowCosts");

        project.MapGet("/costs/export", async (string projectId, HttpRequest http, CostReports costs, CancellationToken ct) =>
        {
            var (query, invalid) = ReadQuery(http);
            return invalid is not null
                ? ApiErrors.From(invalid, http.HttpContext)
                : await ExportAsync(projectId, query, http, costs, ct);
        }).WithName("ExportCosts");

        project.MapGet("/prices", async (CostReports costs, CancellationToken ct) =>
        {
            var lists = await costs.PriceListsAsync(ct);
            return Reply.Json(new PriceListsResponse(lists.Count, lists.Select(PriceListWire.From).ToList()));
        }).WithName("ListPrices");
    }

    private static (CostQuery Query, Core.Validation.Failure? Invalid) ReadQuery(HttpRequest http)
    {
        var query = new QueryReader(http);
        var costQuery = new CostQuery(
            query.Instant("from"),
            query.Instant("to"),
            query.Text("granularity", 32),
            query.Text("group_by", 32),
            query.Int("offset", 0, 0, int.MaxValue),
            query.Int("limit", CostRules.DefaultLimit, 1, CostRules.MaxLimit));
        return (costQuery, query.Failure);
    }

    /// <summary>CSV when the client prefers it: text/csv with a quality above zero and above any JSON it accepts.</summary>
    private static bool WantsCsv(HttpRequest http)
    {
        var accept = http.GetTypedHeaders().Accept;
        var csv = accept.Where(a => a.MediaType.Equals(CsvType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accept.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        return csv > 0 && csv >= json;
    }

    private static async Task<IResult> ExportAsync(
        string projectId, CostQuery query, HttpRequest http, CostReports costs, CancellationToken ct)
    {
        var export = await costs.ExportAsync(projectId, query, ct);
        if (!export.Succeeded)
        {
            return ApiErrors.From(export.Failure, http.HttpContext);
        }

        var report = export.Value;
        var name = $"costs-{projectId}-{report.From.UtcDateTime:yyyyMMddTHH}-{report.To.UtcDateTime:yyyyMMddTHH}.csv";
        http.HttpContext.Response.Headers[HeaderNames.ContentDisposition] = $"attachment; filename=\"{name}\"";
        return Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
            await CostCsv.WriteAsync(writer, report, ct);
        }, CsvType + "; charset=utf-8");
    }
}

/// <summary>
/// Writes a report as RFC 4180 CSV: a header row, then one row per group and period with usage,
/// CRLF line ends, fields quoted only when they need it. Amounts keep their six decimal places.
/// </summary>
internal static class CostCsv
{
    public static readonly string[] Columns =
    [
        "period_start", "period_end", "project_id", "enterprise_project_id", "desktop_pool_id", "desktop_pool_name",
        "desktop_id", "computer_name", "currency", "running_seconds", "disk_gb_seconds", "compute_amount",
        "disk_amount", "amount",
    ];

    public static async Task WriteAsync(TextWriter writer, CostExport report, CancellationToken cancellationToken)
    {
        await WriteRowAsync(writer, Columns);
        await foreach (var group in report.Groups.WithCancellation(cancellationToken))
        {
            foreach (var period in group.Periods)
            {
                var f = period.Figures;
                await WriteRowAsync(writer,
                [
                    ApiJson.Time(period.Start), ApiJson.Time(period.End), group.ProjectId, group.EnterpriseProjectId,
                    group.PoolId, Text(group.PoolName), group.DesktopId, Text(group.ComputerName), report.Currency,
                    Number(f.RunningSeconds), Number(f.DiskGbSeconds), Number(f.ComputeAmount), Number(f.DiskAmount),
                    Number(f.Amount),
                ]);
            }
        }
    }

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// Names chosen by users: a leading '=', '+', '-' or '@' would make a spreadsheet read the cell
    /// as a formula, so such a name gets a leading apostrophe, which spreadsheets show as text.
    /// </summary>
    public static string? Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static async Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields)
    {
        await writer.WriteAsync(string.Join(',', fields.Select(Field)));
        await writer.WriteAsync("\r\n");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
