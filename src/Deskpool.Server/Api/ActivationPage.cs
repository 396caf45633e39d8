using Deskpool.Server.Security;

namespace Deskpool.Server.Api;

/// <summary>
/// The page an activation or reset link opens: one password form that calls the end-user API.
/// It shows the API's own messages; the rules live in the core, not here.
/// </summary>
internal static class ActivationPage
{
    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Deskpool - set your password</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
            label, input, button { display: block; width: 100%; box-sizing: border-box; }
            input { margin: .3rem 0 1rem; padding: .5rem; font-size: 1rem; }
            button { padding: .6rem; font-size: 1rem; }
            #message { margin-top: 1rem; }
            .error { color: #b00020; } .done { color: #1b5e20; }
          </style>
        </head>
        <body>
          <h1>Set your password</h1>
          <p>8 to 32 characters, with at least three of: upper-case letters, lower-case letters, digits,
             and the characters <code>!@$%^-_=+[{}]:,./?</code>. Not your username, forwards or backwards.</p>
          <form id="form">
            <label for="password">New password</label>
            <input id="password" type="password" autocomplete="new-password" required>
            <label for="repeat">Repeat it</label>
            <input id="repeat" type="password" autocomplete="new-password" required>
            <button type="submit">Set password</button>
          </form>
          <p id="message" role="status"></p>
          <script>
            const token = new URLSearchParams(location.hash.slice(1)).get("token")
              || new URLSearchParams(location.search).get("token") || "";
            const message = document.getElementById("message");
            document.getElementById("form").addEventListener("submit", async event => {
              event.preventDefault();
              const password = document.getElementById("password").value;
              if (password !== document.getElementById("repeat").value) {
                message.className = "error"; message.textContent = "The two passwords differ."; return;
              }
              const response = await fetch("/v2/end-user/activate", {
                method: "POST", headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ token, password })
              });
              if (response.ok) {
                message.className = "done";
                message.textContent = "Your password is set. Sign in with the desktop client.";
                document.getElementById("form").hidden = true;
              } else {
                const error = await response.json();
                message.className = "error"; message.textContent = error.error_msg;
              }
            });
          </script>
        </body>
        </html>
        """;

    /// <summary>
    /// The page's policy admits its one inline script by hash and its one inline style block, and
    /// nothing from elsewhere.
    /// </summary>
    private static readonly string Policy = SecurityHeaders.DefaultPolicy
        .Replace("script-src 'self'", $"script-src '{InlineHash("script")}'", StringComparison.Ordinal);

    public static void MapActivationPage(this IEndpointRouteBuilder app) =>
        app.MapGet("/activate", (HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = Policy;
            return Results.Content(Html, "text/html; charset=utf-8");
        }).WithName("ActivationPage");

    /// <summary>The CSP hash source of the page's inline element of that name (its text between the tags).</summary>
    private static string InlineHash(string element)
    {
        var start = Html.IndexOf($"<{element}>", StringComparison.Ordinal) + element.Length + 2;
        var end = Html.IndexOf($"</{element}>", start, StringComparison.Ordinal);
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Html[start..end]));
        return "sha256-" + Convert.ToBase64String(digest);
    }
}
