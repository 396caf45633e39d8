using Deskpool.Core.Tenancy;
using Deskpool.Core.Tenancy.AccessKeys;

namespace Deskpool.Server.Api;

internal sealed record AccessKeyWire(
    string Access,
    string? Secret,
    string Name,
    string Status,
    string CredentialId,
    string CredentialName,
    string Role,
    string CreatedAt,
    string? LastUsedAt)
{
    public static AccessKeyWire From(AccessKeyView key, string? secret = null) => new(
        key.Id,
        secret,
        key.Name,
        key.State == AccessKeyState.Enabled ? "ENABLED" : "DISABLED",
        key.CredentialId,
        key.CredentialName,
        key.Role == CredentialRole.Administrator ? "ADMINISTRATOR" : "READ_ONLY",
        ApiJson.Time(key.CreatedAt),
        ApiJson.Time(key.LastUsedAt));
}

internal sealed record AccessKeyResponse(AccessKeyWire AccessKey);

internal sealed record AccessKeyListResponse(int TotalCount, IReadOnlyList<AccessKeyWire> AccessKeys);

/// <summary>
/// Access keys for signed requests (a Deskpool extension). Administrators only, reads included: the
/// list says which keys can act on the project. The secret is in the creation answer and nowhere else.
/// </summary>
internal static class AccessKeysApi
{
    public static void MapAccessKeysApi(this RouteGroupBuilder project)
    {
        var keys = project.MapGroup("/access-keys").AddEndpointFilter(AdministratorsOnly);

        keys.MapPost("", (string projectId, HttpRequest http, AccessKeyService accessKeys, CancellationToken ct) =>
            Reply.WithBody<CreateAccessKeyRequest>(http, async request =>
            {
                var caller = ProjectAccess.Current(http.HttpContext);
                var created = await accessKeys.CreateAsync(projectId, caller.Id, request, ct);
                return created.Succeeded
                    ? Results.Json(new AccessKeyResponse(AccessKeyWire.From(created.Value.Key, created.Value.Secret)),
                        ApiJson.Options, statusCode: StatusCodes.Status201Created)
                    : ApiErrors.From(created.Failure, http.HttpContext);
            }, ct))
            .WithName("CreateAccessKey");

        keys.MapGet("", async (string projectId, AccessKeyService accessKeys, CancellationToken ct) =>
        {
            var list = await accessKeys.ListAsync(projectId, ct);
            return Reply.Json(new AccessKeyListResponse(list.Count, list.Select(k => AccessKeyWire.From(k)).ToList()));
        }).WithName("ListAccessKeys");

        keys.MapPut("/{accessKeyId}", (
            string projectId, string accessKeyId, HttpRequest http, AccessKeyService accessKeys, CancellationToken ct) =>
            Reply.WithBody<UpdateAccessKeyRequest>(http, async request => Reply.Json(
                await accessKeys.UpdateAsync(projectId, accessKeyId, request, ct),
                k => new AccessKeyResponse(AccessKeyWire.From(k)), http.HttpContext), ct))
            .WithName("UpdateAccessKey");

        keys.MapDelete("/{accessKeyId}", async (
            string projectId, string accessKeyId, HttpContext http, AccessKeyService accessKeys, CancellationToken ct) =>
            Reply.Done(await accessKeys.DeleteAsync(projectId, accessKeyId, ct), Results.NoContent(), http))
            .WithName("DeleteAccessKey");
    }

    private static async ValueTask<object?> AdministratorsOnly(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        ProjectAccess.Current(context.HttpContext).Role == CredentialRole.Administrator
            ? await next(context)
            : ApiErrors.From(ProjectService.ReadOnlyToken, context.HttpContext);
}
