using Deskpool.Core.Users;

namespace Deskpool.Server.Api;

internal sealed record GroupWire(
    string Id, string Name, string PlatformType, string? Description, int UserQuantity, string CreateTime, int TotalDesktops)
{
    public static GroupWire From(GroupView view) => new(view.Group.Id, view.Group.Name,
        view.Group.Platform == GroupPlatform.Ad ? "AD" : "LOCAL", view.Group.Description, view.UserQuantity,
        ApiJson.Time(view.Group.CreatedAt), 0);
}

internal sealed record GroupListResponse(int TotalCount, IReadOnlyList<GroupWire> UserGroups);

internal sealed record GroupMemberWire(string Id, string UserName, string? UserEmail, string? UserPhone, string? Description,
    string EnterpriseProjectId, int TotalDesktops);

internal sealed record GroupMemberListResponse(int TotalCount, IReadOnlyList<GroupMemberWire> Users);

/// <summary>User groups (LOCAL = common, AD) and their members.</summary>
internal static class GroupsApi
{
    private static readonly string[] Platforms = ["LOCAL", "AD"];

    public static void MapGroupsApi(this RouteGroupBuilder project)
    {
        project.MapPost("/groups", (string projectId, HttpRequest http, UserGroupService groups, CancellationToken ct) =>
            Reply.WithBody<CreateGroupRequest>(http, async request =>
            {
                var group = await groups.CreateAsync(projectId, request, ct);
                return group.Succeeded ? Results.StatusCode(StatusCodes.Status201Created) : ApiErrors.From(group.Failure, http.HttpContext);
            }, ct))
            .WithName("CreateUserGroup");

        project.MapGet("/groups", async (string projectId, HttpRequest http, UserGroupService groups, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var keyword = query.Text("keyword", 64);
            var platform = query.Text("platform_type", 8);
            var offset = query.Int("offset", 0, 0, 100_000);
            var limit = query.Int("limit", 100, 0, 100) is var l and > 0 ? l : 100;
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            if (platform is not null && !Platforms.Contains(platform))
            {
                return ApiErrors.From(Core.Validation.Failure.Invalid(Core.Validation.ErrorCodes.FieldFormat, "platform_type",
                    $"platform_type must be LOCAL or AD (got '{platform}')."), http.HttpContext);
            }

            var (total, items) = await groups.ListAsync(projectId, keyword, platform, offset, limit, ct);
            return Reply.Json(new GroupListResponse(total, items.Select(GroupWire.From).ToList()));
        }).WithName("ListUserGroups");

        project.MapPut("/groups/{groupId}", (string projectId, string groupId, HttpRequest http, UserGroupService groups, CancellationToken ct) =>
            Reply.WithBody<UpdateGroupRequest>(http, async request =>
                Reply.Done(await groups.UpdateAsync(projectId, groupId, request, ct), Results.Ok(), http.HttpContext), ct))
            .WithName("UpdateUserGroup");

        project.MapDelete("/groups/{groupId}", async (string projectId, string groupId, HttpContext http, UserGroupService groups,
            CancellationToken ct) =>
            Reply.Done(await groups.DeleteAsync(projectId, [groupId], ct), Results.NoContent(), http))
            .WithName("DeleteUserGroup");

        project.MapPost("/groups/batch-delete", (string projectId, HttpRequest http, UserGroupService groups, CancellationToken ct) =>
            Reply.WithBody<BatchDeleteGroupsRequest>(http, async request =>
                Reply.Done(await groups.DeleteAsync(projectId, request.GroupIds, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("BatchDeleteUserGroups");

        project.MapPost("/groups/{groupId}/actions", (string projectId, string groupId, HttpRequest http, UserGroupService groups,
            CancellationToken ct) =>
            Reply.WithBody<GroupMembersRequest>(http, async request =>
                Reply.Done(await groups.ChangeMembersAsync(projectId, groupId, request, ct), Results.Ok(), http.HttpContext), ct))
            .WithName("RunActionsOnGroup");

        project.MapGet("/groups/{groupId}/users", async (string projectId, string groupId, HttpRequest http, UserGroupService groups,
            CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var userName = query.Text("user_name");
            var offset = query.Int("offset", 0, 0, 100_000);
            var limit = query.Int("limit", 2000, 0, 2000) is var l and > 0 ? l : 2000;
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            return Reply.Json(await groups.MembersAsync(projectId, groupId, userName, offset, limit, ct), page =>
                new GroupMemberListResponse(page.Total, page.Items.Select(u => new GroupMemberWire(u.Id, u.UserName, u.Email,
                    u.Phone, u.Description, u.EnterpriseProjectId, 0)).ToList()), http.HttpContext);
        }).WithName("ListUsersOfGroup");
    }
}
