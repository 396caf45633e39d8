using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>
/// Guards every <c>/v2/{project_id}</c> route: the caller's credential (a token, or a signed request's
/// access key: <see cref="RequestCredentials"/>) must exist, belong to that very project, and, for
/// anything but a read, carry the administrator role. A credential of another project gets the same
/// answer whether or not the project it asks about exists. The credential is admitted to the
/// request's <see cref="AccessScope"/>, which confines what the core then sees.
/// </summary>
internal sealed class ProjectAccess(
    RequestCredentials credentials, AccessScope scope, Security.FailedCredentialLimits refusals) : IEndpointFilter
{
    public const string TokenHeader = RequestCredentials.TokenHeader;

    private const string CredentialKey = "deskpool.credential";

    /// <summary>The credential the request was let in with.</summary>
    public static ApiCredential Current(HttpContext http) => (ApiCredential)http.Items[CredentialKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var checkedCredential = await credentials.ResolveAsync(http, http.GetRouteValue("projectId") as string);
        if (!checkedCredential.Succeeded)
        {
            return checkedCredential.Failure.Kind == FailureKind.Unauthorized && refusals.Refuse(http) is { } tooMany
                ? ApiErrors.From(tooMany, http)
                : ApiErrors.From(checkedCredential.Failure, http);
        }

        var credential = checkedCredential.Value;
        scope.Admit(credential);
        if (credential.Role == CredentialRole.ReadOnly && !HttpMethods.IsGet(http.Request.Method))
        {
            return ApiErrors.From(ProjectService.ReadOnlyToken, http);
        }

        http.Items[CredentialKey] = credential;
        return await next(context);
    }
}
