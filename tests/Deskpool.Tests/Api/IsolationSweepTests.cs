using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deskpool.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Api;

/// <summary>
/// The access fixture plus what the other doors need: a user and a group of project A, an end user
/// of A signed in, and a desktop-agent key of B's desktop.
/// </summary>
public sealed class SweepFixture : AccessFixture
{
    public string EndUserToken { get; private set; } = "";

    public string AgentKeyOfB { get; private set; } = "";

    public string AgentKeyOfA { get; private set; } = "";

    /// <summary>Access keys that sign requests: A's administrator's, A's read-only credential's, and B's.</summary>
    public (string Access, string Secret) KeyOfA { get; private set; }

    public (string Access, string Secret) ReadOnlyKeyOfA { get; private set; }

    public (string Access, string Secret) KeyOfB { get; private set; }

    public string UserId { get; private set; } = "";

    public string GroupId { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var endUser = await Server.NewSignedInAsync(Id("pool"), "sweeper");
        UserId = endUser.UserId;
        EndUserToken = endUser.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "sweepers", platform_type = "LOCAL" });
        var (_, groups) = await Client.GetJsonAsync(Wire.Path("groups?keyword=sweepers"));
        GroupId = groups.GetProperty("user_groups")[0].GetProperty("id").GetString()!;
        var clientB = Server.ClientFor(TestServer.TokenB);
        var (_, key) = await clientB.PostJsonAsync(
            Wire.Path($"desktops/{Id("desktopB")}/agent-key", TestServer.ProjectB), null);
        AgentKeyOfB = key.GetProperty("agent_key").GetString()!;
        var (_, keyOfA) = await Client.PostJsonAsync(Wire.Path($"desktops/{Id("desktop")}/agent-key"), null);
        AgentKeyOfA = keyOfA.GetProperty("agent_key").GetString()!;
        KeyOfA = await AccessKeyAsync(Client, TestServer.ProjectA, null);
        ReadOnlyKeyOfA = await AccessKeyAsync(Client, TestServer.ProjectA, "read-only");
        KeyOfB = await AccessKeyAsync(clientB, TestServer.ProjectB, null);
    }

    /// <summary>A client that signs its requests with the access key (SDK-HMAC-SHA256).</summary>
    public HttpClient SignedClient((string Access, string Secret) key) =>
        new(new SdkSigner(key.Access, key.Secret, () => DateTimeOffset.UtcNow) { InnerHandler = Server.CreateHandler() })
        {
            BaseAddress = new Uri("http://localhost"),
        };

    private static async Task<(string, string)> AccessKeyAsync(HttpClient admin, string project, string? credential)
    {
        var (response, body) = await admin.PostJsonAsync(Wire.Path("access-keys", project),
            new System.Text.Json.Nodes.JsonObject { ["name"] = $"sweep-{credential ?? "admin"}", ["credential"] = credential });
        Assert.True(response.IsSuccessStatusCode, $"Creating an access key failed: {body}");
        var key = body.GetProperty("access_key");
        return (key.GetProperty("access").GetString()!, key.GetProperty("secret").GetString()!);
    }

    /// <summary>What project A holds, as its administrator sees it, to compare before and after.</summary>
    public async Task<string> SnapshotAsync()
    {
        var parts = new StringBuilder();
        foreach (var path in new[]
                 {
                     "desktop-pools", $"desktop-pools/{Id("pool")}/desktops", $"desktop-pools/{Id("pool")}/users",
                     "desktop-name-policies", "users", "groups", "service-authorization", "quotas",
                 })
        {
            var (response, body) = await Client.GetJsonAsync(Wire.Path(path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            parts.AppendLine(body.ToString());
        }

        return parts.ToString();
    }
}

/// <summary>
/// Walks every route the server maps, not a list kept by hand, and proves for each that a caller
/// without the right credential gets the documented refusal and nothing else: no credential, a
/// token nobody issued, a token of another project, a read-only token on a change, an end user's
/// token on an administrator route, an administrator token on an end-user route, and another
/// desktop's key on the desktop-agent route. A route this sweep does not know fails it, so a new
/// door cannot be added without saying who may pass.
/// </summary>
public sealed partial class IsolationSweepTests(SweepFixture fixture) : IClassFixture<SweepFixture>
{
    /// <summary>Routes anyone may call, each with why that is safe.</summary>
    private static readonly Dictionary<string, string> PublicRoutes = new(StringComparer.Ordinal)
    {
        ["GET /activate"] = "a static page; activation itself needs the one-time token from the e-mail",
        ["POST /v2/end-user/activate"] = "needs the one-time activation token in the body",
        ["POST /v2/end-user/password"] = "needs the one-time password-reset token in the body",
        ["POST /v2/end-user/sign-in"] = "the end user's sign-in; slowed down and locked on repeated failures",
        ["GET /healthz"] = "says only that the process runs",
        ["GET /readyz"] = "names failing checks, never data",
        ["GET /metrics"] = "counts, never tenant data; a configured metrics token closes it (docs/operations.md)",
        ["GET /console/sign-in/complete"] = "completes the console sign-in from a one-time code",
        ["POST /console/sign-out"] = "ends the caller's own console session",
        ["GET /portal/sign-in/complete"] = "completes the end-user portal's sign-in from a one-time code",
        ["POST /portal/sign-out"] = "ends the caller's own portal session",
    };

    private static readonly string[] ConsolePrefixes = ["/console", "/portal", "/_blazor", "/_framework", "/_content", "/{**path:file}"];

    private TestServer Server => fixture.Server;

    public static IEnumerable<RouteEndpoint> MappedRoutes(TestServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    [Fact]
    public void EveryMappedRoute_BelongsToADoorTheSweepCovers()
    {
        var unknown = MappedRoutes(Server)
            .SelectMany(e => Methods(e).Select(m => (Method: m, Endpoint: e)))
            .Where(r => Door(r.Method, r.Endpoint) is RouteDoor.Unknown)
            .Select(r => $"{r.Method} {Template(r.Endpoint)}")
            .ToList();

        Assert.True(unknown.Count == 0, "Routes no isolation rule covers: " + string.Join(", ", unknown));
        Assert.Contains(MappedRoutes(Server), e => Template(e).StartsWith("/v2/{projectId}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProjectRoutes_RefuseEveryoneButTheirOwnProjectsCredentials()
    {
        var routes = Routes(RouteDoor.Project);
        var before = await fixture.SnapshotAsync();
        var failures = new List<string>();

        foreach (var (method, template) in routes)
        {
            var path = Fill(template);
            await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Unauthorized, "APIG.0301", "no credential");
            await ExpectAsync(failures, method, path, Headers(("X-Auth-Token", "token-nobody-issued")),
                HttpStatusCode.Unauthorized, "APIG.0301", "a token nobody issued");
            await ExpectAsync(failures, method, path, Headers(("X-Auth-Token", TestServer.TokenB)),
                HttpStatusCode.Forbidden, "WKS.0403", "project B's administrator token");
            await ExpectAsync(failures, method, path, Headers(("X-Auth-Token", fixture.EndUserToken)),
                HttpStatusCode.Unauthorized, "APIG.0301", "an end user's token as X-Auth-Token");
            await ExpectAsync(failures, method, path, Bearer(fixture.EndUserToken),
                HttpStatusCode.Unauthorized, "APIG.0301", "an end user's token as a bearer");
            await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Forbidden, "WKS.0403",
                "project B's access key, signed", fixture.SignedClient(fixture.KeyOfB));
            await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Unauthorized, "APIG.0301",
                "project A's access key signed with a wrong secret", fixture.SignedClient((fixture.KeyOfA.Access, "wrong-secret")));
            if (!HttpMethods.IsGet(method))
            {
                await ExpectAsync(failures, method, path, Headers(("X-Auth-Token", TestServer.ReadOnlyTokenA)),
                    HttpStatusCode.Forbidden, "WKS.0403", "project A's read-only token on a change");
                await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Forbidden, "WKS.0403",
                    "project A's read-only access key on a change", fixture.SignedClient(fixture.ReadOnlyKeyOfA));
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(routes.Count > 40, $"Only {routes.Count} project routes were found; the sweep lost its routes.");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task SignedInEndUserRoutes_RefuseAnyoneWithoutAnEndUserSession()
    {
        var routes = Routes(RouteDoor.EndUser);
        var failures = new List<string>();

        foreach (var (method, template) in routes)
        {
            var path = Fill(template);
            await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Unauthorized, "APIG.0301", "no credential");
            await ExpectAsync(failures, method, path, Headers(("X-Auth-Token", TestServer.TokenA)),
                HttpStatusCode.Unauthorized, "APIG.0301", "an administrator token as X-Auth-Token");
            await ExpectAsync(failures, method, path, Bearer(TestServer.TokenA),
                HttpStatusCode.Unauthorized, "APIG.0301", "an administrator token as a bearer");
            await ExpectAsync(failures, method, path, Bearer("session-nobody-issued"),
                HttpStatusCode.Unauthorized, "APIG.0301", "a session nobody issued");
        }

        Assert.True(routes.Count >= 4, $"Only {routes.Count} end-user routes were found.");
    }

    [Fact]
    public async Task DesktopAgentRoutes_RefuseEverythingButThatDesktopsKey()
    {
        var routes = Routes(RouteDoor.DesktopAgent);
        var failures = new List<string>();

        foreach (var (method, template) in routes)
        {
            var path = Fill(template);
            await ExpectAsync(failures, method, path, Headers(), HttpStatusCode.Unauthorized, "APIG.0301", "no key");
            await ExpectAsync(failures, method, path, Headers(("X-Agent-Key", fixture.AgentKeyOfB)),
                HttpStatusCode.Unauthorized, "APIG.0301", "the key of a desktop of project B");
            await ExpectAsync(failures, method, path, Headers(("X-Agent-Key", TestServer.TokenA)),
                HttpStatusCode.Unauthorized, "APIG.0301", "an administrator token as the key");
            await ExpectAsync(failures, method, path, Bearer(fixture.EndUserToken),
                HttpStatusCode.Unauthorized, "APIG.0301", "an end user's session");
        }

        Assert.NotEmpty(routes);
    }

    [Fact]
    public async Task ConsoleAndPortalPages_SendAnyoneWithoutASessionToTheirSignIn()
    {
        var pages = MappedRoutes(Server)
            .Where(e => Door("GET", e) is RouteDoor.ConsolePage)
            .Select(Template)
            .Distinct()
            .ToList();
        var failures = new List<string>();

        foreach (var template in pages)
        {
            // Redirects are not followed: the answer itself must be the way to the sign-in page.
            using var client = new HttpClient(Server.CreateHandler()) { BaseAddress = new Uri("http://localhost") };
            using var response = await client.GetAsync(new Uri(Fill(template), UriKind.Relative));
            var location = response.Headers.Location?.ToString() ?? "";
            var signIn = template.StartsWith("/portal", StringComparison.Ordinal) ? "/portal/sign-in" : "/console/sign-in";
            if (response.StatusCode != HttpStatusCode.Redirect || !location.Contains(signIn, StringComparison.Ordinal))
            {
                failures.Add($"GET {template}: {(int)response.StatusCode} {location}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Contains("/console/pools", pages);
        Assert.Contains("/portal", pages);
    }

    private enum RouteDoor
    {
        Unknown,
        Public,
        Project,
        EndUser,
        DesktopAgent,
        ConsolePage,
        ConsoleAsset,
    }

    private List<(string Method, string Template)> Routes(RouteDoor door) =>
        MappedRoutes(Server)
            .SelectMany(e => Methods(e).Where(m => Door(m, e) == door).Select(m => (m, Template(e))))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal)
            .ToList();

    private static RouteDoor Door(string method, RouteEndpoint endpoint)
    {
        var template = Template(endpoint);
        if (PublicRoutes.ContainsKey($"{method} {template}"))
        {
            return RouteDoor.Public;
        }

        if (template.StartsWith("/v2/{projectId}/", StringComparison.Ordinal))
        {
            return RouteDoor.Project;
        }

        if (template.StartsWith("/v2/end-user/", StringComparison.Ordinal))
        {
            return RouteDoor.EndUser;
        }

        if (template.StartsWith("/v2/desktop-agent/", StringComparison.Ordinal))
        {
            return RouteDoor.DesktopAgent;
        }

        if (!ConsolePrefixes.Any(p => template.StartsWith(p, StringComparison.Ordinal)))
        {
            return RouteDoor.Unknown;
        }

        if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null
            && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
        {
            return RouteDoor.ConsolePage;
        }

        // Files the browser needs before sign-in (scripts, styles, fonts: only the web root's, never
        // the content root's), and the circuit hub,
        // whose every page checks the sign-in itself; a console page without [Authorize] is unknown.
        var isPage = endpoint.Metadata.Any(m => m.GetType().Name == "ComponentTypeMetadata");
        return isPage && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null ? RouteDoor.Unknown : RouteDoor.ConsoleAsset;
    }

    public static string Template(RouteEndpoint endpoint)
    {
        var text = endpoint.RoutePattern.RawText ?? "";
        return text.StartsWith('/') ? text : "/" + text;
    }

    public static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>Puts project A's real ids into a route template.</summary>
    private string Fill(string template) => Parameter().Replace(template, match => match.Groups[1].Value.ToLowerInvariant() switch
    {
        "projectid" => TestServer.ProjectA,
        "poolid" => fixture.Id("pool"),
        "desktopid" => fixture.Id("desktop"),
        "jobid" => fixture.Id("job"),
        "policyid" => fixture.Id("policy"),
        "userid" => fixture.UserId,
        "groupid" => fixture.GroupId,
        "importid" => Guid.NewGuid().ToString("N"),
        "accesskeyid" => fixture.KeyOfA.Access,
        var name => throw new InvalidOperationException(
            $"The sweep has no sample value for route parameter {{{name}}} in {template}; add one."),
    });

    private async Task ExpectAsync(
        List<string> failures,
        string method,
        string path,
        HttpRequestHeaders headers,
        HttpStatusCode status,
        string code,
        string caller,
        HttpClient? signed = null)
    {
        using var client = signed ?? Server.ClientFor(null);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        foreach (var header in headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (!HttpMethods.IsGet(method) && !HttpMethods.IsDelete(method))
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var answeredCode = TryCode(text);
        if (response.StatusCode != status || answeredCode != code)
        {
            failures.Add($"{method} {path} with {caller}: {(int)response.StatusCode} {answeredCode ?? text[..Math.Min(120, text.Length)]}" +
                $" (expected {(int)status} {code})");
        }
    }

    private static string? TryCode(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("error_code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HttpRequestHeaders Headers(params (string Name, string Value)[] headers)
    {
        var holder = new HttpRequestMessage().Headers;
        foreach (var (name, value) in headers)
        {
            holder.TryAddWithoutValidation(name, value);
        }

        return holder;
    }

    private static HttpRequestHeaders Bearer(string token) => Headers(("Authorization", "Bearer " + token));

    [GeneratedRegex(@"\{\*{0,2}(\w+)(?::[^}]*)?\}")]
    private static partial Regex Parameter();
}
