using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>
/// Guards every <c>/v2/{project_id}</c> route: the token must exist, belong to that very project,
/// and, for anything but a read, carry the administrator role. A token of another project gets
/// the same answer whether or not the project it asks about exists.
/// </summary>
internal sealed class ProjectAccess(ProjectService projects) : IEndpointFilter
{
    public const string TokenHeader = "X-Auth-Token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = http.Request.Headers[TokenHeader].ToString();
        if (string.IsNullOrEmpty(token) || token.Length > 40_000)
        {
            return Refuse(http, FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                "Incorrect IAM authentication information: x-auth-token not found.");
        }

        var credential = await projects.FindCredentialAsync(token, http.RequestAborted);
        if (credential is null)
        {
            return Refuse(http, FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                "Incorrect IAM authentication information: the token is not valid.");
        }

        var projectId = http.GetRouteValue("projectId") as string;
        if (!string.Equals(credential.ProjectId, projectId, StringComparison.Ordinal))
        {
            return Refuse(http, FailureKind.Forbidden, ErrorCodes.ProjectMismatch,
                $"The token is not valid for project {projectId}.");
        }

        if (credential.Role == CredentialRole.ReadOnly && !HttpMethods.IsGet(http.Request.Method))
        {
            return Refuse(http, FailureKind.Forbidden, ErrorCodes.ProjectMismatch,
                "The token is read-only; this operation needs an administrator token.");
        }

        return await next(context);
    }

    private static IResult Refuse(HttpContext http, FailureKind kind, string code, string message) =>
        ApiErrors.From(new Failure(kind, code, message), http);
}
