using Deskpool.Core.Mail;

namespace Deskpool.Server.Api;

/// <summary>A mail as the list shows it: recipient, subject and delivery state, never the body.</summary>
internal sealed record MailMessageWire(
    string Id,
    string IdempotencyKey,
    string MessageId,
    string To,
    string Subject,
    string Status,
    int Attempts,
    string? LastError,
    string CreatedTime,
    string? NextAttemptTime,
    string? LastAttemptTime,
    string? SentTime)
{
    public static MailMessageWire From(MailSummary m) => new(
        m.Id,
        m.IdempotencyKey,
        m.MessageId,
        m.To,
        m.Subject,
        m.Status.ToString().ToUpperInvariant(),
        m.Attempts,
        m.LastError,
        ApiJson.Time(m.CreatedAt),
        ApiJson.Time(m.NextAttemptAt),
        ApiJson.Time(m.LastAttemptAt),
        ApiJson.Time(m.SentAt));
}

internal sealed record MailMessageListResponse(int TotalCount, IReadOnlyList<MailMessageWire> MailMessages);

/// <summary>The project's outgoing mails (a Deskpool extension), so that a failed send is visible.</summary>
internal static class MailApi
{
    public static void MapMailApi(this RouteGroupBuilder project)
    {
        project.MapGet("/mail-messages", async (
            string projectId, HttpRequest http, MailQueries mails, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var mailQuery = new MailQuery(
                query.Text("status", 16),
                query.Int("offset", 0, 0, 1_000_000),
                query.Int("limit", 100, 0, 1000) is var limit and > 0 ? limit : 100);
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            return Reply.Json(await mails.ListAsync(projectId, mailQuery, ct),
                page => new MailMessageListResponse(page.Total, page.Items.Select(MailMessageWire.From).ToList()),
                http.HttpContext);
        }).WithName("ListMailMessages");
    }
}
