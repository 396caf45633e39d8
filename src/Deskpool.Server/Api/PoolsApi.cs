using Deskpool.Core.Catalog;
using Deskpool.Core.Pools;

namespace Deskpool.Server.Api;

/// <summary>The desktop-pool operations of the Workspace v2 contract.</summary>
internal static class PoolsApi
{
    public static void MapPoolsApi(this RouteGroupBuilder project)
    {
        project.MapPost("/desktop-pools", (string projectId, HttpRequest http, PoolService pools, CancellationToken ct) =>
            Reply.WithBody<CreatePoolRequest>(http, async request =>
                JobId(await pools.CreateAsync(projectId, request, ct), http), ct))
            .WithName("CreateDesktopPool");

        project.MapGet("/desktop-pools", async (
            string projectId, HttpRequest http, PoolService pools, Catalog catalog, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var listQuery = new PoolListQuery(
                query.Text("name"),
                query.Text("type"),
                query.Text("enterprise_project_id", 36),
                query.Bool("in_maintenance_mode"),
                query.Int("offset", 0, 0, 20_000),
                query.Int("limit", 1000, 0, 1000) is var limit and > 0 ? limit : 1000);
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            return Reply.Json(await pools.ListAsync(projectId, listQuery, ct), page => new PoolListResponse(page.Total,
                page.Items.Select(v => PoolWire.From(v, catalog)).ToList()), http.HttpContext);
        }).WithName("ListDesktopPools");

        project.MapGet("/desktop-pools/{poolId}", async (
            string projectId, string poolId, HttpContext http, PoolService pools, Catalog catalog, CancellationToken ct) =>
            Reply.Json(await pools.GetAsync(projectId, poolId, ct), view => PoolWire.From(view, catalog), http))
            .WithName("ShowDesktopPoolDetail");

        project.MapPut("/desktop-pools/{poolId}", (
            string projectId, string poolId, HttpRequest http, PoolService pools, CancellationToken ct) =>
            Reply.WithBody<UpdatePoolRequest>(http, async request =>
                Reply.Done(await pools.UpdateAsync(projectId, poolId, request, ct), Results.Ok(), http.HttpContext), ct))
            .WithName("UpdateDesktopPool");

        project.MapDelete("/desktop-pools/{poolId}", async (
            string projectId, string poolId, HttpContext http, PoolService pools, CancellationToken ct) =>
            Reply.Done(await pools.DeleteAsync(projectId, poolId, ct), Results.NoContent(), http))
            .WithName("DeleteDesktopPool");

        project.MapPost("/desktop-pools/{poolId}/expand", (
            string projectId, string poolId, HttpRequest http, PoolService pools, CancellationToken ct) =>
            Reply.WithBody<ExpandPoolRequest>(http, async request =>
                JobId(await pools.ExpandAsync(projectId, poolId, request, ct), http), ct))
            .WithName("ExpandDesktopPool");

        project.MapPost("/desktop-pools/{poolId}/action", (
            string projectId, string poolId, HttpRequest http, PoolService pools, CancellationToken ct) =>
            Reply.WithBody<PoolActionRequest>(http, async request =>
                JobId(await pools.RunActionAsync(projectId, poolId, request, ct), http), ct))
            .WithName("ExecuteDesktopPoolAction");

        project.MapGet("/desktop-pools/{poolId}/desktops", ListDesktopsAsync).WithName("ListPoolDesktopsDetail");

        project.MapPost("/desktops/batch-delete", (string projectId, HttpRequest http, PoolService pools, CancellationToken ct) =>
            Reply.WithBody<DeleteDesktopsRequest>(http, async request =>
                JobId(await pools.DeleteDesktopsAsync(projectId, request, ct), http), ct))
            .WithName("BatchDeleteDesktops");
    }

    private static IResult JobId(Core.Validation.Outcome<Core.Jobs.Job> job, HttpRequest http) =>
        Reply.Json(job, j => new JobIdResponse(j.Id), http.HttpContext);

    private static async Task<IResult> ListDesktopsAsync(
        string projectId, string poolId, HttpRequest http, PoolService pools, CancellationToken ct)
    {
        var query = new QueryReader(http);
        var desktopQuery = new PoolDesktopQuery(
            query.Int("offset", 0, 0, 10_000),
            query.Int("limit", 10, 0, 100) is var limit and > 0 ? limit : 10,
            query.Text("status", 55),
            query.Text("computer_name"),
            query.Text("desktop_ip", 64),
            query.Text("availability_zone"),
            query.Text("subnet_id", 64),
            query.Text("sort_field", 55),
            query.Text("sort_type", 55));
        if (query.Failure is { } invalid)
        {
            return ApiErrors.From(invalid, http.HttpContext);
        }

        var pool = await pools.GetAsync(projectId, poolId, ct);
        if (!pool.Succeeded)
        {
            return ApiErrors.From(pool.Failure, http.HttpContext);
        }

        var p = pool.Value.Pool;
        var page = await pools.ListDesktopsAsync(projectId, poolId, desktopQuery, ct);
        if (!page.Succeeded)
        {
            return ApiErrors.From(page.Failure, http.HttpContext);
        }

        var bindings = await pools.BindingsOfAsync(page.Value.Items.Select(d => d.Id).ToList(), ct);
        return Reply.Json(new PoolDesktopListResponse(page.Value.Total, pool.Value.OnDemandCount, 0,
            page.Value.Items.Select(d => PoolDesktopWire.From(
                d, p.ProductId, p.InMaintenanceMode, bindings.GetValueOrDefault(d.Id))).ToList()));
    }
}
