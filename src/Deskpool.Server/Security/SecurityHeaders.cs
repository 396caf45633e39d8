namespace Deskpool.Server.Security;

/// <summary>
/// Headers every response carries: no content sniffing, no referrer (activation links carry a
/// token), no framing by other sites (clickjacking), and a content security policy that admits the
/// console's own scripts and styles only. API answers are never stored by caches: some hold secrets
/// (an access key's secret, a sign-in token, a connection ticket) and none is worth keeping.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// The console (Blazor Server and MudBlazor) needs its own scripts, inline styles (MudBlazor sets
    /// <c>style</c> attributes) and a WebSocket back to this origin; nothing else is allowed.
    /// </summary>
    public const string DefaultPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set as the answer starts, so that answers rewritten on the way (errors, status pages) keep them.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = DefaultPolicy;
            }

            if (context.Request.Path.StartsWithSegments("/v2"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
