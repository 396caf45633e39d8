using Deskpool.WebConsole.Access;
using Deskpool.WebConsole.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Deskpool.WebConsole;

/// <summary>
/// Puts the administrator console on the server's own port, under <c>/console</c>. The console is a
/// door like the REST API: it signs administrators in with the same project id and token, and calls
/// the same core use cases.
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
        services.AddAuthorization();
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
            });
        services.AddSingleton<SignInTickets>();
        services.AddScoped<ConsoleSession>();
        services.AddHttpContextAccessor();
        services.AddScoped<CoreCalls>();
        services.AddScoped<CoreCallsAnonymous>();
        return services;
    }

    /// <summary>Maps the console's pages, its sign-in and sign-out endpoints, and the static files it needs.</summary>
    public static WebApplication MapDeskpoolConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
