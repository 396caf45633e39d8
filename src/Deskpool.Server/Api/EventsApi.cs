using Deskpool.Core.Events;

namespace Deskpool.Server.Api;

internal sealed record PoolEventWire(
    long Id,
    string At,
    string Kind,
    string PoolId,
    string? DesktopId,
    string? UserName,
    string? Detail,
    string? JobId);

internal sealed record PoolEventsResponse(int TotalCount, IReadOnlyList<PoolEventWire> Events);

/// <summary>The operator's event history of a pool and of a desktop, newest first.</summary>
internal static class EventsApi
{
    public static void MapEventsApi(this RouteGroupBuilder project)
    {
        project.MapGet("/desktop-pools/{poolId}/events", async (
            string projectId, string poolId, HttpRequest http, PoolEvents events, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var filter = new PoolEventQuery(
                query.Int("offset", 0, 0, 1_000_000),
                query.Int("limit", 50, 1, 500),
                query.Text("desktop_id", 64),
                query.Text("kind", 32),
                query.Instant("from"),
                query.Instant("to"));
            if (query.Failure is { } failure)
            {
                return ApiErrors.From(failure, http.HttpContext);
            }

            return Reply.Json(await events.ForPoolAsync(projectId, poolId, filter, ct), Wire, http.HttpContext);
        }).WithName("ListPoolEvents");

        project.MapGet("/desktops/{desktopId}/events", async (
            string projectId, string desktopId, HttpRequest http, PoolEvents events, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var offset = query.Int("offset", 0, 0, 1_000_000);
            var limit = query.Int("limit", 50, 1, 500);
            if (query.Failure is { } failure)
            {
                return ApiErrors.From(failure, http.HttpContext);
            }

            return Reply.Json(await events.ForDesktopAsync(projectId, desktopId, offset, limit, ct), Wire, http.HttpContext);
        }).WithName("ListDesktopEvents");
    }

    private static PoolEventsResponse Wire(PoolEventPage page) => new(page.Total, page.Events
        .Select(e => new PoolEventWire(e.Id, ApiJson.Time(e.At), e.Kind, e.PoolId, e.DesktopId, e.UserName, e.Detail, e.JobId))
        .ToList());
}
