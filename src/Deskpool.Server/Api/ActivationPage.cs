namespace Deskpool.Server.Api;

/// <summary>
/// The old address of the activation page. Activation and reset mails link to the end users' portal
/// (<c>/portal/activate</c>), whose page judges the password with the core's rule as it is typed; a link
/// to <c>/activate</c> (an older mail, a script) is sent there. Browsers carry the fragment, where the
/// mails put the token, over the redirect; a token in the query string goes along with the query.
/// </summary>
internal static class ActivationPage
{
    public const string PortalPage = "/portal/activate";

    public static void MapActivationPage(this IEndpointRouteBuilder app) =>
        app.MapGet("/activate", (HttpRequest request) => Results.Redirect(PortalPage + request.QueryString))
            .WithName("ActivationPage");
}
