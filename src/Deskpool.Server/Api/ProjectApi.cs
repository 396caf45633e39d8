using Deskpool.Core.Tenancy;

namespace Deskpool.Server.Api;

internal sealed record ServiceAuthorizationWire(bool Authorized, string? AuthorizedAt, IReadOnlyList<string> Scopes);

/// <summary>
/// The first-use grant (a Deskpool extension): before the first purchase an administrator
/// authorises the service to use images, networks and scaling on the project's behalf.
/// </summary>
internal static class ProjectApi
{
    private static readonly string[] Scopes = ["images", "networks", "scaling"];

    public static void MapProjectApi(this RouteGroupBuilder project)
    {
        project.MapGet("/service-authorization", async (string projectId, ProjectService projects, CancellationToken ct) =>
                Reply.Json(View(await projects.GetAsync(projectId, ct))))
            .WithName("ShowServiceAuthorization");

        project.MapPost("/service-authorization", async (
                string projectId, HttpContext http, ProjectService projects, CancellationToken ct) =>
                Reply.Json(await projects.AuthorizeServiceAsync(projectId, ct), View, http))
            .WithName("GrantServiceAuthorization");
    }

    private static ServiceAuthorizationWire View(Project project) =>
        new(project.ServiceAuthorizedAt is not null, ApiJson.Time(project.ServiceAuthorizedAt), Scopes);
}
