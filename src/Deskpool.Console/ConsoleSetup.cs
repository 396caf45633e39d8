using Deskpool.WebConsole.Access;
using Deskpool.WebConsole.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Deskpool.WebConsole;

/// <summary>
/// Puts the administrator console (under <c>/console</c>) and the end users' portal (under <c>/portal</c>)
/// on the server's own port. Both are doors like the REST API: the console signs administrators in with
/// the same project id and token, the portal signs end users in through the broker, and both call the
/// same core use cases. The two sign-ins are kept apart: two cookies, two schemes, claims of their own.
/// </summary>
public static class ConsoleSetup
{
    public const string BasePath = "/console";

    public static IServiceCollection AddDeskpoolConsole(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(mud =>
        {
            mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter;
            mud.SnackbarConfiguration.VisibleStateDuration = 2500;
        });
        services.AddCascadingAuthenticationState();
        services.AddAuthorization(options =>
        {
            // A bare [Authorize] is an administrator's page: it needs the console's credential claim, which
            // no end user's principal carries, whatever cookies the browser holds.
            options.DefaultPolicy = new AuthorizationPolicyBuilder(ConsoleAccount.Scheme)
                .RequireClaim(ConsoleAccount.CredentialClaim)
                .Build();
            options.AddPolicy(PortalAccount.Policy, policy => policy
                .AddAuthenticationSchemes(PortalAccount.Scheme)
                .RequireClaim(PortalAccount.SessionClaim));
        });
        services.AddAuthentication(ConsoleAccount.Scheme)
            .AddCookie(ConsoleAccount.Scheme, cookie =>
            {
                cookie.Cookie.Name = "deskpool-console";
                // The circuit connects at /_blazor, outside /console, and must carry the cookie too.
                cookie.Cookie.Path = "/";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = BasePath + "/sign-in";
                cookie.AccessDeniedPath = BasePath + "/sign-in";
                cookie.Events.OnValidatePrincipal = ConsoleAccount.ValidateAsync;
            })
            .AddCookie(PortalAccount.Scheme, cookie =>
            {
                cookie.Cookie.Name = PortalAccount.CookieName;
                cookie.Cookie.Path = "/";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The broker's session decides how long a sign-in lasts; the cookie ends with it.
                cookie.SlidingExpiration = false;
                cookie.LoginPath = PortalAccount.BasePath + "/sign-in";
                cookie.AccessDeniedPath = PortalAccount.BasePath + "/sign-in";
                cookie.Events.OnValidatePrincipal = PortalAccount.ValidateAsync;
            });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "deskpool-antiforgery";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddSingleton<SignInTickets>();
        services.AddScoped<ConsoleSession>();
        services.AddHttpContextAccessor();
        services.AddScoped<CoreCalls>();
        services.AddScoped<CoreCallsAnonymous>();
        services.AddScoped<PortalCalls>();
        return services;
    }

    /// <summary>Maps the console's and the portal's pages, their sign-in and sign-out endpoints, and the static files they need.</summary>
    public static WebApplication MapDeskpoolConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(PortalAccount.AddPortalIdentityAsync);
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleAccountEndpoints();
        app.MapPortalAccountEndpoints();
        // The host's security headers give every page a full policy with frame-ancestors 'none';
        // Blazor's own header (frame-ancestors 'self' only) would take its place.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(
            server => server.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
