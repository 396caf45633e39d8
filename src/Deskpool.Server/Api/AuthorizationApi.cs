using Deskpool.Core.Pools;

namespace Deskpool.Server.Api;

internal sealed record AuthorizedObjectWire(string ObjectId, string ObjectName, string ObjectType, string UserGroup, string CreatedAt);

internal sealed record AuthorizedObjectListResponse(int TotalCount, IReadOnlyList<AuthorizedObjectWire> Objects);

/// <summary>Which users and groups may use a pool, and with which permission group.</summary>
internal static class AuthorizationApi
{
    public static void MapAuthorizationApi(this RouteGroupBuilder project)
    {
        project.MapPost("/desktop-pools/{poolId}/users", (string projectId, string poolId, HttpRequest http,
            PoolAuthorizationService authorizations, CancellationToken ct) =>
            Reply.WithBody<AuthorizeRequest>(http, async request =>
                Reply.Done(await authorizations.ApplyAsync(projectId, poolId, request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("CreateDesktopPoolAuthorizedObjects");

        project.MapGet("/desktop-pools/{poolId}/users", async (string projectId, string poolId, HttpRequest http,
            PoolAuthorizationService authorizations, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var offset = query.Int("offset", 0, 0, 10_000);
            var limit = query.Int("limit", 10, 1, 100);
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            return Reply.Json(await authorizations.ListAsync(projectId, poolId, offset, limit, ct), page =>
                new AuthorizedObjectListResponse(page.Total, page.Items.Select(o => new AuthorizedObjectWire(o.ObjectId,
                    o.ObjectName, o.ObjectType == AuthorizedObjectType.User ? "USER" : "USER_GROUP", o.UserGroup,
                    ApiJson.Time(o.CreatedAt))).ToList()), http.HttpContext);
        }).WithName("ListDesktopPoolAuthorizedObjects");
    }
}
