using Deskpool.Core.Broker;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>
/// Guards the end-user routes: a bearer token from sign-in, of an account that is still usable.
/// The signed-in user travels to the handler in <see cref="HttpContext.Items"/>.
/// </summary>
internal sealed class EndUserAccess(SignInService signIn) : IEndpointFilter
{
    public const string UserKey = "deskpool.end-user";

    public static EndUser Current(HttpContext http) => (EndUser)http.Items[UserKey]!;

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length is > 7 and < 4096
            ? header[7..].Trim()
            : null;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = BearerToken(http.Request);
        var user = token is null ? null : await signIn.ResolveAsync(token, http.RequestAborted);
        if (user is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiErrors.From(new Failure(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
                "Sign in first (POST /v2/end-user/sign-in) and send the token as 'Authorization: Bearer <token>'; " +
                "a token ends when it expires, at sign-out, or when the account is locked, disabled or expired."), http);
        }

        http.Items[UserKey] = user;
        return await next(context);
    }
}
