using System.Globalization;
using System.Security.Claims;
using Deskpool.Core.Broker;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// Signing end users in and out of the portal. The sign-in is the broker's own (<see cref="SignInService"/>),
/// so its refusals, slow-down and lock are the REST API's; the portal's cookie carries the session token that
/// sign-in issued, encrypted, and each request and each call checks that the session is still good. The
/// cookie and its claims are the portal's alone: an administrator's console cookie never opens the portal,
/// and the portal's cookie never opens an administrator's page.
/// </summary>
internal static class PortalAccount
{
    public const string BasePath = "/portal";
    public const string Scheme = "DeskpoolPortal";
    public const string Policy = "DeskpoolEndUser";
    public const string CookieName = "deskpool-portal";
    public const string ProjectClaim = "deskpool:portal:project";
    public const string UserClaim = "deskpool:portal:user";
    public const string SessionClaim = "deskpool:portal:session";
    public const string ExpiresClaim = "deskpool:portal:expires";

    public static ClaimsPrincipal Principal(SignInResult signedIn) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, signedIn.User.UserName),
            new Claim(ProjectClaim, signedIn.User.ProjectId),
            new Claim(UserClaim, signedIn.User.Id),
            new Claim(SessionClaim, signedIn.Token),
            new Claim(ExpiresClaim, signedIn.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
        ],
        Scheme));

    /// <summary>The session token inside a portal principal, or null for any other principal.</summary>
    public static string? SessionToken(ClaimsPrincipal? principal) =>
        principal?.Identities.FirstOrDefault(i => i.AuthenticationType == Scheme)?.FindFirst(SessionClaim)?.Value;

    /// <summary>A session that ended (signed out, expired, account locked or disabled) ends the cookie at its next request.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var token = SessionToken(context.Principal);
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInService>();
        if (token is null || await signIn.ResolveAsync(token, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>
    /// Adds the portal's identity to the request's user. The pipeline authenticates only the console's
    /// scheme by default, and a Blazor circuit keeps the user of the request that opened it; with both
    /// identities present, each page's policy picks the one it accepts by its claims.
    /// </summary>
    public static async Task AddPortalIdentityAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Cookies.ContainsKey(CookieName))
        {
            var portal = await http.AuthenticateAsync(Scheme);
            if (portal.Succeeded)
            {
                http.User = new ClaimsPrincipal(http.User.Identities.Where(i => i.IsAuthenticated)
                    .Concat(portal.Principal.Identities));
            }
        }

        await next(http);
    }

    /// <summary>Only the portal's own pages are places to return to after signing in.</summary>
    public static bool IsPortalPage(string? url) =>
        url is not null && (url == BasePath || url.StartsWith(BasePath + "/", StringComparison.Ordinal))
        && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && Uri.IsWellFormedUriString(url, UriKind.Relative);

    public static void MapPortalAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // As for the console: the sign-in page checks the password inside the circuit, which cannot set
        // cookies, and hands a single-use ticket to this endpoint, which can.
        app.MapGet(BasePath + "/sign-in/complete", async (
            HttpContext http, SignInTickets tickets, string? ticket, string? returnUrl) =>
        {
            var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
            if (site.Length > 0 && site != "same-origin")
            {
                return Results.Redirect(BasePath + "/sign-in");
            }

            var principal = ticket is null ? null : tickets.Redeem(ticket, Scheme);
            if (principal is null)
            {
                return Results.Redirect(BasePath + "/sign-in?expired=1");
            }

            var expires = long.Parse(principal.FindFirst(ExpiresClaim)!.Value, CultureInfo.InvariantCulture);
            await http.SignInAsync(Scheme, principal, new AuthenticationProperties
            {
                ExpiresUtc = DateTimeOffset.FromUnixTimeMilliseconds(expires),
            });
            return Results.Redirect(IsPortalPage(returnUrl) ? returnUrl! : BasePath);
        }).ExcludeFromDescription();

        // Signing out ends the broker's session too, so the token in the cookie is worthless afterwards.
        app.MapPost(BasePath + "/sign-out", async (HttpContext http, SignInService signIn) =>
        {
            var portal = await http.AuthenticateAsync(Scheme);
            if (SessionToken(portal.Principal) is { } token)
            {
                await signIn.SignOutAsync(token, http.RequestAborted);
            }

            await http.SignOutAsync(Scheme);
            return Results.Redirect(BasePath + "/sign-in?signedOut=1");
        }).ExcludeFromDescription();
    }
}
