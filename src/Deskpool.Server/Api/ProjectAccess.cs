using Deskpool.Core.Tenancy;

namespace Deskpool.Server.Api;

/// <summary>
/// Guards every <c>/v2/{project_id}</c> route: the token must exist, belong to that very project,
/// and, for anything but a read, carry the administrator role. A token of another project gets
/// the same answer whether or not the project it asks about exists. The credential is admitted to
/// the request's <see cref="AccessScope"/>, which confines what the core then sees.
/// </summary>
internal sealed class ProjectAccess(ProjectService projects, AccessScope scope) : IEndpointFilter
{
    public const string TokenHeader = "X-Auth-Token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var checkedCredential = await projects.CheckCredentialAsync(
            http.GetRouteValue("projectId") as string, http.Request.Headers[TokenHeader].ToString(), http.RequestAborted);
        if (!checkedCredential.Succeeded)
        {
            return ApiErrors.From(checkedCredential.Failure, http);
        }

        var credential = checkedCredential.Value;
        scope.Admit(credential);
        if (credential.Role == CredentialRole.ReadOnly && !HttpMethods.IsGet(http.Request.Method))
        {
            return ApiErrors.From(ProjectService.ReadOnlyToken, http);
        }

        return await next(context);
    }
}
