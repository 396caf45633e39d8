using Deskpool.Core.Broker;
using Deskpool.Core.Users;
using Deskpool.Server.Security;

namespace Deskpool.Server.Api;

internal sealed record SignInResponse(string Token, string ExpiresAt, string UserId, string UserName);

internal sealed record EndUserDesktopWire(
    string DesktopId,
    string ComputerName,
    string Status,
    string? TaskStatus,
    string SessionState,
    string? ReleaseAt);

internal sealed record EndUserPoolWire(
    string Id,
    string Name,
    string Type,
    bool InMaintenanceMode,
    EndUserDesktopWire? Desktop);

internal sealed record EndUserPoolsResponse(IReadOnlyList<EndUserPoolWire> Pools);

internal sealed record ConnectionWire(string Protocol, string Host, int Port, string Ticket, string TicketExpiresAt);

internal sealed record ConnectResponse(string Status, EndUserDesktopWire Desktop, ConnectionWire? Connection, long? RetryAfter);

/// <summary>
/// What end users call: set or change a password, sign in and out, list their pools, and connect
/// to, disconnect from and log off their desktops. Everything but activation, password change and
/// sign-in needs the bearer token sign-in returns.
/// </summary>
internal static class EndUserApi
{
    public static void MapEndUserApi(this IEndpointRouteBuilder app)
    {
        var endUser = app.MapGroup("/v2/end-user");

        endUser.MapPost("/activate", (HttpRequest http, UserService users, CancellationToken ct) =>
            Reply.WithBody<ActivateRequest>(http, async request =>
                Reply.Done(await users.ActivateAsync(request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("ActivateUser")
            .RequireRateLimiting(RateLimits.SignInPolicy);

        endUser.MapPost("/password", (HttpRequest http, SignInService signIn, UserNameLimits limits, CancellationToken ct) =>
            Reply.WithBody<ChangePasswordRequest>(http, async request =>
                limits.Refuse(request.ProjectId, request.UserName) is { } tooMany
                    ? ApiErrors.From(tooMany, http.HttpContext)
                    : Reply.Done(await signIn.ChangePasswordAsync(request, ct), Results.NoContent(), http.HttpContext), ct))
            .WithName("ChangeUserPassword")
            .RequireRateLimiting(RateLimits.SignInPolicy);

        endUser.MapPost("/sign-in", (HttpRequest http, SignInService signIn, UserNameLimits limits, CancellationToken ct) =>
            Reply.WithBody<SignInRequest>(http, async request =>
                limits.Refuse(request.ProjectId, request.UserName) is { } tooMany
                    ? ApiErrors.From(tooMany, http.HttpContext)
                    : Reply.Json(await signIn.SignInAsync(request, ct), r => new SignInResponse(
                        r.Token, ApiJson.Time(r.ExpiresAt), r.User.Id, r.User.UserName), http.HttpContext), ct))
            .WithName("EndUserSignIn")
            .RequireRateLimiting(RateLimits.SignInPolicy);

        var signedIn = endUser.MapGroup("").AddEndpointFilter<EndUserAccess>();

        signedIn.MapPost("/sign-out", async (HttpRequest http, SignInService signIn, CancellationToken ct) =>
        {
            await signIn.SignOutAsync(EndUserAccess.BearerToken(http)!, ct);
            return Results.NoContent();
        }).WithName("EndUserSignOut");

        signedIn.MapGet("/pools", async (HttpContext http, Broker broker, CancellationToken ct) =>
        {
            var pools = await broker.PoolsOfAsync(EndUserAccess.Current(http), ct);
            return Reply.Json(new EndUserPoolsResponse(pools.Select(p => new EndUserPoolWire(
                p.Pool.Id,
                p.Pool.Name,
                p.Pool.Type.ToString().ToUpperInvariant(),
                p.Pool.InMaintenanceMode,
                p.Desktop is null ? null : DesktopWire(p.Desktop, p.Binding))).ToList()));
        }).WithName("ListEndUserPools");

        signedIn.MapPost("/pools/{poolId}/connect", async (string poolId, HttpContext http, Broker broker, CancellationToken ct) =>
        {
            var connect = await broker.ConnectAsync(EndUserAccess.Current(http), poolId, ct);
            if (!connect.Succeeded)
            {
                return ApiErrors.From(connect.Failure, http);
            }

            var result = connect.Value;
            var desktop = DesktopWire(result.Desktop, null);
            if (!result.Ready)
            {
                var seconds = ApiErrors.RetryAfterSeconds(result.RetryAfter!.Value);
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Json(new ConnectResponse("PREPARING", desktop, null, seconds), ApiJson.Options,
                    statusCode: StatusCodes.Status202Accepted);
            }

            var endpoint = result.Endpoint!;
            return Reply.Json(new ConnectResponse("READY", desktop with { SessionState = "CONNECTED" },
                new ConnectionWire(endpoint.Protocol, endpoint.Host, endpoint.Port, result.Ticket!,
                    ApiJson.Time(result.TicketExpiresAt!.Value)), null));
        }).WithName("ConnectDesktop");

        signedIn.MapPost("/pools/{poolId}/disconnect", async (string poolId, HttpContext http, Broker broker, CancellationToken ct) =>
            Reply.Done((await broker.DisconnectAsync(EndUserAccess.Current(http), poolId, ct)).Failure,
                Results.NoContent(), http))
            .WithName("DisconnectDesktop");

        signedIn.MapPost("/pools/{poolId}/logoff", async (string poolId, HttpContext http, Broker broker, CancellationToken ct) =>
            Reply.Done((await broker.LogoffAsync(EndUserAccess.Current(http), poolId, ct)).Failure,
                Results.NoContent(), http))
            .WithName("LogoffDesktop");
    }

    private static EndUserDesktopWire DesktopWire(Core.Desktops.Desktop desktop, Binding? binding) => new(
        desktop.Id,
        desktop.ComputerName,
        Core.Desktops.DesktopTransitions.WireStatus(desktop.State),
        Core.Desktops.DesktopTransitions.WireTaskStatus(desktop.State),
        (binding?.State ?? SessionState.Assigned).ToString().ToUpperInvariant(),
        binding?.ReleaseAt is { } release ? ApiJson.Time(release) : null);
}
