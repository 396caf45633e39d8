using Deskpool.Core.Users;

namespace Deskpool.Server.Api;

internal sealed record UserIdResponse(string Id);

internal sealed record UserWire(
    string Id,
    string UserName,
    string? UserEmail,
    string? UserPhone,
    string ActiveType,
    string AccountExpires,
    bool AccountExpired,
    bool IsPreUser,
    bool Activated,
    bool EnableChangePassword,
    bool NextLoginChangePassword,
    bool PasswordNeverExpired,
    bool Locked,
    bool Disabled,
    string? Description,
    string? AliasName,
    IReadOnlyList<string> GroupNames,
    string EnterpriseProjectId,
    string? UserInfoMap,
    int TotalDesktops,
    string CreatedTime)
{
    public static UserWire From(User u, IReadOnlyList<string> groups, DateTimeOffset now) => new(
        u.Id, u.UserName, u.Email, u.Phone, ActiveTypes.Wire(u.ActiveType),
        u.AccountExpires is { } e ? ApiJson.Time(e) : "0", u.AccountExpires <= now, !u.IsActivated, u.IsActivated,
        u.EnableChangePassword, u.NextLoginChangePassword, u.PasswordNeverExpired, u.Locked, u.Disabled, u.Description,
        u.AliasName, groups, u.EnterpriseProjectId, u.UserInfoMap, 0, ApiJson.Time(u.CreatedAt));
}

/// <summary>The detail shape: here <c>account_expires</c> is epoch milliseconds (0 = never), as in the public API.</summary>
internal sealed record UserDetailWire(
    string Id,
    string UserName,
    string? UserEmail,
    string? UserPhone,
    string ActiveType,
    string? Description,
    long AccountExpires,
    bool UserExpired,
    bool IsPreUser,
    bool Locked,
    bool Disabled,
    bool EnableChangePassword,
    bool NextLoginChangePassword,
    bool PasswordNeverExpired,
    IReadOnlyList<string> GroupNames,
    string WhenCreated,
    int AccountType,
    int TotalDesktops,
    string EnterpriseProjectId)
{
    public static UserDetailWire From(User u, IReadOnlyList<string> groups, DateTimeOffset now) => new(
        u.Id, u.UserName, u.Email, u.Phone, ActiveTypes.Wire(u.ActiveType), u.Description,
        u.AccountExpires?.ToUnixTimeMilliseconds() ?? 0, u.AccountExpires <= now, !u.IsActivated, u.Locked, u.Disabled,
        u.EnableChangePassword, u.NextLoginChangePassword, u.PasswordNeverExpired, groups, ApiJson.Time(u.CreatedAt), 0, 0,
        u.EnterpriseProjectId);
}

internal sealed record UserDetailResponse(UserDetailWire UserDetail);

internal sealed record UserListResponse(int TotalCount, IReadOnlyList<UserWire> Users);

/// <summary>Users of a project: create (one or a batch), list, show, change, delete, lock, reset, resend activation.</summary>
internal static class UsersApi
{
    public static void MapUsersApi(this RouteGroupBuilder project)
    {
        project.MapPost("/users", (string projectId, HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<CreateUserRequest>(http, async request =>
            {
                var user = await users.CreateAsync(projectId, request, ct);
                return user.Succeeded
                    ? Results.Json(new UserIdResponse(user.Value.Id), ApiJson.Options, statusCode: StatusCodes.Status201Created)
                    : ApiErrors.From(user.Failure, http.HttpContext);
            }, ct))
            .WithName("CreateDesktopUser");

        project.MapPost("/users/batch-create", (string projectId, HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<BatchCreateUsersRequest>(http, async request =>
                Reply.Done(await users.CreateBatchAsync(projectId, request, ct), Results.Ok(), http.HttpContext), ct))
            .WithName("BatchCreateUsers");

        project.MapGet("/users", async (string projectId, HttpRequest http, UserService users, TimeProvider time, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var listQuery = new UserListQuery(
                query.Text("user_name"),
                query.Text("description", 100),
                query.Text("active_type", 55),
                query.Text("group_name", 64),
                query.Text("enterprise_project_id", 36),
                query.Bool("disabled"),
                query.Int("offset", 0, 0, 100_000),
                query.Int("limit", 100, 0, 1000) is var limit and > 0 ? limit : 100);
            var activeType = listQuery.ActiveType;
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            if (activeType is not null && !ActiveTypes.All.Contains(activeType))
            {
                return ApiErrors.From(Core.Validation.Failure.Invalid(Core.Validation.ErrorCodes.FieldFormat, "active_type",
                    $"active_type must be one of {string.Join(", ", ActiveTypes.All)} (got '{activeType}')."), http.HttpContext);
            }

            var now = time.GetUtcNow();
            var (total, items) = await users.ListAsync(projectId, listQuery, ct);
            return Reply.Json(new UserListResponse(total, items.Select(i => UserWire.From(i.User, i.Groups, now)).ToList()));
        }).WithName("ListUsers");

        project.MapGet("/users/{userId}", async (
            string projectId, string userId, HttpContext http, UserService users, TimeProvider time, CancellationToken ct) =>
            Reply.Json(await users.GetAsync(projectId, userId, ct),
                u => new UserDetailResponse(UserDetailWire.From(u.User, u.Groups, time.GetUtcNow())), http))
            .WithName("ListUserDetail");

        project.MapPut("/users/{userId}", (string projectId, string userId, HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<UpdateUserRequest>(http, async request =>
                Reply.Json(await users.UpdateAsync(projectId, userId, request, ct), u => new UserIdResponse(u.Id), http.HttpContext), ct))
            .WithName("UpdateUserInfo");

        project.MapDelete("/users/{userId}", async (string projectId, string userId, HttpContext http, UserService users, CancellationToken ct) =>
            Reply.Done(await users.DeleteAsync(projectId, [userId], "user_id", ct), Results.NoContent(), http))
            .WithName("DeleteUser");

        project.MapPost("/users/batch-delete", (string projectId, HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<BatchDeleteUsersRequest>(http, async request =>
                Reply.Done(await users.DeleteAsync(projectId, request.UserIds, "user_ids", ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("BatchDeleteUser");

        project.MapPost("/users/{userId}/actions", (string projectId, string userId, HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<UserActionRequest>(http, async request =>
                Reply.Done(await users.ChangeStatusAsync(projectId, userId, request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("ChangeUserStatus");

        project.MapPost("/users/{userId}/resend-email", async (
            string projectId, string userId, HttpContext http, UserService users, CancellationToken ct) =>
            Reply.Done(await users.ResendActivationAsync(projectId, userId, ct), Results.NoContent(), http))
            .WithName("ResendActivationEmail");
    }
}
