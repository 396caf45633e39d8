using System.Security.Claims;
using Deskpool.Core.Tenancy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// Signing in and out of the console. An administrator proves a project id and an API token, as on
/// the REST API; the console then keeps an HttpOnly, SameSite=Strict cookie naming the credential,
/// never the token, and checks on every request that the credential still exists.
/// </summary>
internal static class ConsoleAccount
{
    public const string Scheme = "DeskpoolConsole";
    public const string ProjectClaim = "deskpool:project";
    public const string CredentialClaim = "deskpool:credential";
    public const string RoleClaim = "deskpool:role";

    public static ClaimsPrincipal Principal(ApiCredential credential, string projectName) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, projectName),
            new Claim(ProjectClaim, credential.ProjectId),
            new Claim(CredentialClaim, credential.Id),
            new Claim(RoleClaim, credential.Role.ToString()),
        ],
        Scheme));

    /// <summary>A revoked credential, or one whose role changed, ends the console session at its next request.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var credentialId = principal?.FindFirst(CredentialClaim)?.Value;
        var role = principal?.FindFirst(RoleClaim)?.Value;
        var projects = context.HttpContext.RequestServices.GetRequiredService<ProjectService>();
        var credential = credentialId is null
            ? null
            : await projects.FindCredentialByIdAsync(credentialId, context.HttpContext.RequestAborted);
        if (credential is null || credential.Role.ToString() != role
            || credential.ProjectId != principal!.FindFirst(ProjectClaim)?.Value)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>
    /// Only the console's own pages are places to return to after signing in: no other site, no other path.
    /// </summary>
    public static bool IsConsolePage(string? url) =>
        url is not null && url.StartsWith(ConsoleSetup.BasePath + "/", StringComparison.Ordinal)
        && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && Uri.IsWellFormedUriString(url, UriKind.Relative);

    public static void MapConsoleAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // The sign-in page checks the token inside the circuit, which cannot set cookies; it hands a
        // single-use ticket to this endpoint, which can.
        app.MapGet(ConsoleSetup.BasePath + "/sign-in/complete", async (
            HttpContext http, SignInTickets tickets, string? ticket, string? returnUrl) =>
        {
            var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
            if (site.Length > 0 && site != "same-origin")
            {
                return Results.Redirect(ConsoleSetup.BasePath + "/sign-in");
            }

            var principal = ticket is null ? null : tickets.Redeem(ticket, Scheme);
            if (principal is null)
            {
                return Results.Redirect(ConsoleSetup.BasePath + "/sign-in?expired=1");
            }

            await http.SignInAsync(Scheme, principal);
            return Results.Redirect(IsConsolePage(returnUrl) ? returnUrl! : ConsoleSetup.BasePath + "/pools");
        }).ExcludeFromDescription();

        // A form post, so it carries the antiforgery token the layout's form renders: another site
        // cannot sign an administrator out (the SameSite cookie alone would not hold in older browsers).
        app.MapPost(ConsoleSetup.BasePath + "/sign-out", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Text("The sign-out form is stale or came from another site; reload the console and try again.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            await http.SignOutAsync(Scheme);
            return Results.Redirect(ConsoleSetup.BasePath + "/sign-in");
        }).ExcludeFromDescription();

        app.MapGet(ConsoleSetup.BasePath + "/users/template", () => Results.File(
                Core.Users.Import.UserSheet.Template(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "deskpool-users-template.xlsx"))
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser())
            .ExcludeFromDescription();
    }
}
