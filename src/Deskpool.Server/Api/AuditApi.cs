using System.Globalization;
using System.Text;
using System.Text.Json;
using Deskpool.Core.Audit;
using Microsoft.Net.Http.Headers;

namespace Deskpool.Server.Api;

internal sealed record AuditEventWire(
    long Id,
    string At,
    string ActorType,
    string? ActorId,
    string? ActorName,
    string Action,
    IReadOnlyList<string> Targets,
    string? EnterpriseProjectId,
    string? RemoteAddress,
    string? UserAgent,
    int? StatusCode,
    string Result,
    string? ErrorCode)
{
    public static AuditEventWire From(AuditEvent e) => new(e.Id, ApiJson.Time(e.At), TypeOf(e.ActorKind), e.ActorId,
        e.ActorName, e.Action, e.Targets, e.EnterpriseProjectId, e.RemoteAddress, e.UserAgent, e.StatusCode,
        e.Succeeded ? "success" : "failure", e.ErrorCode);

    private static string TypeOf(AuditActorKind kind) => kind switch
    {
        AuditActorKind.Credential => "credential",
        AuditActorKind.EndUser => "end_user",
        AuditActorKind.System => "system",
        AuditActorKind.Anonymous => "anonymous",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown actor kind."),
    };
}

internal sealed record AuditEventsResponse(int TotalCount, IReadOnlyList<AuditEventWire> AuditEvents);

/// <summary>The audit trail (a Deskpool extension): list it with filters, or export it as CSV or JSON lines.</summary>
internal static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder project)
    {
        project.MapGet("/audit-events", async (string projectId, HttpRequest http, AuditTrail trail, CancellationToken ct) =>
        {
            var query = Read(http, out var invalid);
            if (invalid is not null)
            {
                return invalid;
            }

            return Reply.Json(await trail.ListAsync(projectId, query, ct), page => new AuditEventsResponse(
                page.Total, page.Items.Select(AuditEventWire.From).ToList()), http.HttpContext);
        }).WithName("ListAuditEvents");

        project.MapGet("/audit-events/export", (string projectId, HttpRequest http, AuditTrail trail, CancellationToken ct) =>
        {
            var query = Read(http, out var invalid);
            var format = http.Query["format"].ToString() is { Length: > 0 } asked ? asked : "csv";
            if (invalid is not null)
            {
                return invalid;
            }

            if (format is not ("csv" or "jsonl"))
            {
                return ApiErrors.From(Core.Validation.Failure.Invalid(Core.Validation.ErrorCodes.FieldFormat, "format",
                    "format must be one of: csv, jsonl."), http.HttpContext);
            }

            var events = trail.ExportAsync(projectId, query, ct);
            http.HttpContext.Response.Headers[HeaderNames.ContentDisposition] =
                $"attachment; filename=\"audit-{projectId}.{format}\"";
            return Results.Stream(async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                if (format == "csv")
                {
                    await AuditCsv.WriteAsync(writer, events, ct);
                }
                else
                {
                    await foreach (var entry in events.WithCancellation(ct))
                    {
                        await writer.WriteAsync(JsonSerializer.Serialize(AuditEventWire.From(entry), ApiJson.Options));
                        await writer.WriteAsync('\n');
                    }
                }
            }, format == "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8");
        }).WithName("ExportAuditEvents");
    }

    private static AuditQuery Read(HttpRequest http, out IResult? invalid)
    {
        var reader = new QueryReader(http);
        var query = new AuditQuery(
            reader.Instant("from"),
            reader.Instant("to"),
            reader.Text("actor_id", 64),
            reader.Text("action", 128),
            reader.Text("result", 16),
            reader.Int("offset", 0, 0, 1_000_000),
            reader.Int("limit", 50, 1, 500));
        var failure = reader.Failure ?? AuditTrail.Check(query);
        invalid = failure is null ? null : ApiErrors.From(failure, http.HttpContext);
        return query;
    }
}

/// <summary>The audit trail as RFC 4180 CSV, with the cost export's quoting and its guard against spreadsheet formulas.</summary>
internal static class AuditCsv
{
    public static readonly string[] Columns =
    [
        "id", "at", "actor_type", "actor_id", "actor_name", "action", "targets", "enterprise_project_id",
        "remote_address", "user_agent", "status_code", "result", "error_code",
    ];

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<AuditEvent> events, CancellationToken ct)
    {
        await WriteRowAsync(writer, Columns);
        await foreach (var entry in events.WithCancellation(ct))
        {
            var e = AuditEventWire.From(entry);
            await WriteRowAsync(writer,
            [
                e.Id.ToString(CultureInfo.InvariantCulture), e.At, e.ActorType, e.ActorId, CostCsv.Text(e.ActorName),
                e.Action, CostCsv.Text(string.Join(' ', e.Targets)), e.EnterpriseProjectId, e.RemoteAddress,
                CostCsv.Text(e.UserAgent), e.StatusCode?.ToString(CultureInfo.InvariantCulture), e.Result, e.ErrorCode,
            ]);
        }
    }

    private static async Task WriteRowAsync(TextWriter writer, IReadOnlyList<string?> fields)
    {
        await writer.WriteAsync(string.Join(',', fields.Select(CostCsv.Field)));
        await writer.WriteAsync("\r\n");
    }
}
