using System.Net;
using Deskpool.Core.Tenancy;
using Deskpool.Tests.Support;
using Deskpool.WebConsole.Access;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Console;

/// <summary>
/// The console's state-changing endpoint (sign-out) takes only forms carrying its antiforgery
/// token, and its cookies are HttpOnly and SameSite=Strict. The browser tests sign out through the
/// real form, token included.
/// </summary>
public sealed class ConsoleCsrfTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>A client holding a signed-in console cookie, as the sign-in page's ticket gives one.</summary>
    private async Task<(HttpClient Client, HttpResponseMessage SignedIn)> SignedInAsync()
    {
        await using var scope = server.Server.Services.CreateAsyncScope();
        var projects = scope.ServiceProvider.GetRequiredService<ProjectService>();
        var credential = (await projects.FindCredentialAsync(TestServer.TokenA, CancellationToken.None))!;
        var ticket = server.Server.Services.GetRequiredService<SignInTickets>()
            .Issue(ConsoleAccount.Principal(credential, "project-a"));

        var client = server.Server.ClientFor(null);
        var signedIn = await client.GetAsync(new Uri($"/console/sign-in/complete?ticket={ticket}", UriKind.Relative));
        return (client, signedIn);
    }

    [Fact]
    public async Task CrossSiteSignOut_WithoutToken_IsRefused_AndTheSessionStays()
    {
        var (client, _) = await SignedInAsync();
        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/console/sign-out", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([]),
        };
        forged.Headers.Add("Origin", "https://evil.example");
        forged.Headers.Add("Sec-Fetch-Site", "cross-site");

        var refused = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("another site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            c => c.StartsWith("deskpool-console=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOut_WithAForgedToken_IsRefused()
    {
        var (client, _) = await SignedInAsync();
        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/console/sign-out", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("__RequestVerificationToken", "CfDJ8forged")]),
        };

        var refused = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task ConsoleCookie_IsHttpOnlyAndSameSiteStrict()
    {
        await using var scope = server.Server.Services.CreateAsyncScope();
        var credential = (await scope.ServiceProvider.GetRequiredService<ProjectService>()
            .FindCredentialAsync(TestServer.TokenA, CancellationToken.None))!;
        var ticket = server.Server.Services.GetRequiredService<SignInTickets>()
            .Issue(ConsoleAccount.Principal(credential, "project-a"));
        using var handler = server.Server.CreateHandler();
        using var client = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };

        var response = await client.GetAsync(new Uri($"/console/sign-in/complete?ticket={ticket}", UriKind.Relative));

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("deskpool-console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
