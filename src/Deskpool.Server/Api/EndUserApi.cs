using Deskpool.Core.Users;

namespace Deskpool.Server.Api;

/// <summary>
/// What end users call without an administrator token: set a password from an activation or
/// reset link, and change a password (required when the administrator set the initial one).
/// </summary>
internal static class EndUserApi
{
    public static void MapEndUserApi(this IEndpointRouteBuilder app)
    {
        var endUser = app.MapGroup("/v2/end-user");

        endUser.MapPost("/activate", (HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<ActivateRequest>(http, async request =>
                Reply.Done(await users.ActivateAsync(request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("ActivateUser");

        endUser.MapPost("/password", (HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<ChangePasswordRequest>(http, async request =>
                Reply.Done(await users.ChangePasswordAsync(request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("ChangeUserPassword");
    }
}
