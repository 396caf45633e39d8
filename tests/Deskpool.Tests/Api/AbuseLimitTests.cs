using System.Net;
using System.Text.Json;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Api;

/// <summary>
/// Rate limits (429 with Retry-After and the error body), per-route body limits (413 with the error
/// body), and the security headers every answer carries. Limits are set small and windows long, so
/// that each test counts exactly and never waits.
/// </summary>
public sealed class AbuseLimitTests
{
    private const string Hour = "01:00:00";

    private static Task<TestServer> StartAsync(params (string Key, string Value)[] settings) =>
        TestServer.StartAsync(settings.ToDictionary(s => s.Key, s => (string?)s.Value));

    private static Task<(HttpResponseMessage Response, JsonElement Body)> SignInAsync(
        HttpClient client, string userName, string password = EndUsers.Password) =>
        client.PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = userName, password });

    private static void AssertTooMany(HttpResponseMessage response, JsonElement error, int windowSeconds)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("WKS.0429", error.Code());
        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, windowSeconds);
        Assert.Contains($"try again in {retryAfter} s", error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_IsLimitedPerCredential()
    {
        await using var server = await StartAsync(
            ("Deskpool:Security:AdminApiPerCredential:PermitLimit", "3"),
            ("Deskpool:Security:AdminApiPerCredential:Window", Hour));
        var readOnly = server.ClientFor(TestServer.ReadOnlyTokenA);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await readOnly.GetJsonAsync(Wire.Path("desktop-pools"))).Response.StatusCode);
        }

        var (refused, error) = await readOnly.GetJsonAsync(Wire.Path("desktop-pools"));
        var (otherCredential, _) = await server.ClientFor(TestServer.TokenB)
            .GetJsonAsync(Wire.Path("desktop-pools", TestServer.ProjectB));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        AssertTooMany(refused, error, 3600);
        Assert.Contains("with this credential", error.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherCredential.StatusCode);
    }

    [Fact]
    public async Task RefusedCredentials_AreLimitedPerAddress_AndNamelessAttemptsDoNotFloodTheAuditTrail()
    {
        await using var server = await StartAsync(
            ("Deskpool:Security:FailedCredentialsPerAddress:PermitLimit", "3"),
            ("Deskpool:Security:FailedCredentialsPerAddress:Window", Hour));
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            // A new token each time: each would have a bucket of its own in the per-credential limit.
            var (response, _) = await server.ClientFor($"guess-{i}").PostJsonAsync(Wire.Path("groups"), new { group_name = "g" });
            answers.Add(response.StatusCode);
        }

        var (refused, error) = await server.ClientFor("guess-4").PostJsonAsync(Wire.Path("groups"), new { group_name = "g" });
        var (valid, _) = await server.Client.GetJsonAsync(Wire.Path("desktop-pools"));
        var (nowhere, _) = await server.ClientFor("guess-5").PostJsonAsync(Wire.Path("groups", "e111"), new { group_name = "g" });
        var (_, trail) = await server.Client.GetJsonAsync(Wire.Path("audit-events?limit=100"));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        AssertTooMany(refused, error, 3600);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, nowhere.StatusCode);
        var anonymous = trail.GetProperty("audit_events").EnumerateArray()
            .Where(e => e.GetProperty("actor_type").GetString() == "anonymous").ToList();
        Assert.Equal(3, anonymous.Count);
        Assert.All(anonymous, e => Assert.Equal(401, e.GetProperty("status_code").GetInt32()));
    }

    [Fact]
    public async Task NamelessAttempts_OnProjectsThatDoNotExist_AreNotKept()
    {
        await using var server = await StartAsync();
        var (refused, _) = await server.ClientFor("guess").PostJsonAsync(Wire.Path("groups", "e111"), new { group_name = "g" });
        var (known, _) = await server.ClientFor("guess").PostJsonAsync(Wire.Path("groups"), new { group_name = "g" });

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Deskpool.Core.Persistence.DeskpoolDbContext>();
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, known.StatusCode);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.ProjectId == "e111"));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.ProjectId == TestServer.ProjectA && e.StatusCode == 401));
    }

    [Fact]
    public async Task SignIn_IsLimitedPerUserName_EvenWithTheRightPassword()
    {
        await using var server = await StartAsync(
            ("Deskpool:Security:SignInPerUser:PermitLimit", "2"),
            ("Deskpool:Security:SignInPerUser:Window", Hour));
        await server.Client.CreateAsync("mei.lin");
        await server.Client.CreateAsync("ops-admin");
        var client = server.ClientFor(null);

        var (first, _) = await SignInAsync(client, "mei.lin");
        var (wrong, _) = await SignInAsync(client, "mei.lin", "Wr0ng!pass");
        var (refused, error) = await SignInAsync(client, "MEI.LIN");
        var (fullWidth, fullWidthError) = await SignInAsync(client, "ｍｅｉ.lin");
        var (other, _) = await SignInAsync(client, "ops-admin");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, wrong.StatusCode);
        AssertTooMany(refused, error, 3600);
        AssertTooMany(fullWidth, fullWidthError, 3600);
        Assert.Equal("user_name", error.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task SignInPasswordAndActivation_AreLimitedPerAddress()
    {
        await using var server = await StartAsync(
            ("Deskpool:Security:SignInPerAddress:PermitLimit", "3"),
            ("Deskpool:Security:SignInPerAddress:Window", Hour));
        var client = server.ClientFor(null);

        var (a, _) = await SignInAsync(client, "nobody-1");
        var (b, _) = await SignInAsync(client, "nobody-2");
        var (c, _) = await client.PostJsonAsync("/v2/end-user/password", new
        {
            project_id = TestServer.ProjectA, user_name = "nobody-3", old_password = "x", new_password = "y",
        });
        var (refused, error) = await client.PostJsonAsync("/v2/end-user/activate", new { token = "t", password = "p" });

        Assert.All(new[] { a, b, c }, r => Assert.NotEqual(HttpStatusCode.TooManyRequests, r.StatusCode));
        AssertTooMany(refused, error, 3600);
        Assert.Contains("from this address", error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultLimits_LetAStormOfDistinctUsersSignInFromOneAddress()
    {
        await using var server = await TestServer.StartAsync();
        var client = server.ClientFor(null);

        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
            (await SignInAsync(client, $"storm-{i}")).Response.StatusCode));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, answers);
    }

    [Fact]
    public async Task ImportRoute_TakesABodyOverTheJsonLimit_UpToItsOwn()
    {
        await using var server = await TestServer.StartAsync();

        async Task<(HttpResponseMessage, JsonElement)> PostAsync(string path, int bytes)
        {
            using var content = new ByteArrayContent(new byte[bytes]);
            var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);
            return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (json, jsonError) = await PostAsync(Wire.Path("users"), 1_100_000);
        var (import, importError) = await PostAsync(Wire.Path("users/import"), 1_100_000);
        var (tooLarge, tooLargeError) = await PostAsync(Wire.Path("users/import"), 1_400_000);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, json.StatusCode);
        Assert.Equal("WKS.0413", jsonError.Code());
        Assert.Equal(HttpStatusCode.BadRequest, import.StatusCode);
        Assert.Contains("1 MB", importError.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("WKS.0413", tooLargeError.Code());
        Assert.Contains("1280 KB", tooLargeError.Message(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/products", true)]
    [InlineData("/v2/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/no-such-route", true)]
    [InlineData("/v2/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/products", true)]
    [InlineData("/console/sign-in", false)]
    [InlineData("/healthz", false)]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path, bool api)
    {
        await using var server = await TestServer.StartAsync();

        var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(),
            StringComparison.Ordinal);
        if (api)
        {
            Assert.True(response.Headers.CacheControl?.NoStore);
        }
    }

    [Fact]
    public async Task SignInAnswer_IsNotStored()
    {
        await using var server = await TestServer.StartAsync();
        await server.Client.CreateAsync("cache-user");

        var (response, body) = await SignInAsync(server.ClientFor(null), "cache-user");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.TryGetProperty("token", out _));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }
}
