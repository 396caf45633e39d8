using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// Thousands of malformed and hostile requests, generated from a fixed seed so a failure repeats:
/// bodies that break every field of every write route in every way (wrong types, huge numbers,
/// control characters, deep nesting, huge strings and arrays, broken encodings), hostile ids in
/// every path, hostile headers, and workbooks built to exhaust memory. Every one must be refused
/// with the API's error body (4xx, never 5xx), within seconds, and leave nothing behind.
/// </summary>
public sealed partial class HostileInputTests(SweepFixture fixture) : IClassFixture<SweepFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Every route that reads a JSON body, with a body of the right shape. Placeholders in braces
    /// are project A's ids. The values need not be valid: each case breaks one member's type, so
    /// only the shape matters.
    /// </summary>
    private static readonly Dictionary<string, string> BodyShapes = new(StringComparer.Ordinal)
    {
        ["POST /v2/{projectId}/desktop-pools"] = Wire.PoolRequest("fuzzed", 1)
            .With("tags", """[{"key":"k","value":"v"}]""")
            .With("autoscale_policy", """{"autoscale_type":"AUTO_CREATED","max_auto_created":5,"min_idle":1,"once_auto_created":1}""")
            .ToJsonString(),
        ["PUT /v2/{projectId}/desktop-pools/{poolId}"] = """{"name":"renamed","description":"d","disconnected_retention_period":10}""",
        ["POST /v2/{projectId}/desktop-pools/{poolId}/expand"] = """{"size":1}""",
        ["POST /v2/{projectId}/desktop-pools/{poolId}/action"] = """{"op_type":"os-stop","type":"SOFT"}""",
        ["POST /v2/{projectId}/desktops/batch-delete"] = """{"desktop_ids":["{desktop}"]}""",
        ["POST /v2/{projectId}/desktop-name-policies"] =
            """{"policy_name":"fz","name_prefix":"F","digit_number":3,"start_number":1,"single_domain_user_inc":0}""",
        ["PUT /v2/{projectId}/desktop-name-policies/{policyId}"] = """{"name_prefix":"FZ","digit_number":3,"start_number":2}""",
        ["POST /v2/{projectId}/desktop-name-policies/batch-delete"] = """{"policy_ids":["{policy}"]}""",
        ["POST /v2/{projectId}/groups"] = """{"group_name":"fz","platform_type":"LOCAL","description":"d"}""",
        ["PUT /v2/{projectId}/groups/{groupId}"] = """{"group_name":"fz2","description":"d"}""",
        ["POST /v2/{projectId}/groups/batch-delete"] = """{"group_ids":["{group}"]}""",
        ["POST /v2/{projectId}/groups/{groupId}/actions"] = """{"op_type":"ADD","user_ids":["{user}"]}""",
        ["POST /v2/{projectId}/desktop-pools/{poolId}/users"] =
            """{"action":"ADD","objects":[{"object_id":"{user}","object_name":"sweeper","object_type":"USER","user_group":"administrators"}]}""",
        ["POST /v2/{projectId}/desktop-pools/{poolId}/desktops/{desktopId}/assign"] = """{"user_id":"{user}","user_name":"sweeper"}""",
        ["POST /v2/{projectId}/desktop-pools/{poolId}/desktops/{desktopId}/unassign"] = """{"reset":true}""",
        ["POST /v2/{projectId}/users"] = UserShape,
        ["POST /v2/{projectId}/users/batch-create"] = $$"""{"users":[{{UserShape}}]}""",
        ["PUT /v2/{projectId}/users/{userId}"] = """{"user_email":"x@example.com","description":"d","enable_change_password":true}""",
        ["POST /v2/{projectId}/users/batch-delete"] = """{"user_ids":["{user}"]}""",
        ["POST /v2/{projectId}/users/{userId}/actions"] = """{"op_type":"LOCK"}""",
        ["POST /v2/{projectId}/access-keys/"] = """{"name":"fz","credential":"read-only"}""",
        ["PUT /v2/{projectId}/access-keys/{accessKeyId}"] = """{"status":"DISABLED"}""",
        ["POST /v2/end-user/activate"] = """{"token":"t","password":"Passw0rd!x"}""",
        ["POST /v2/end-user/password"] =
            """{"project_id":"{project}","user_name":"sweeper","old_password":"Passw0rd!x","new_password":"Passw0rd!y"}""",
        ["POST /v2/end-user/sign-in"] = """{"project_id":"{project}","user_name":"sweeper","password":"Passw0rd!x"}""",
        ["POST /v2/desktop-agent/{desktopId}/events"] = """{"type":"HEARTBEAT","ticket":"t"}""",
    };

    /// <summary>Changing routes that read no body; they get hostile ids and headers instead.</summary>
    private static readonly HashSet<string> NoBody = new(StringComparer.Ordinal)
    {
        "DELETE /v2/{projectId}/desktop-pools/{poolId}",
        "POST /v2/{projectId}/service-authorization",
        "DELETE /v2/{projectId}/groups/{groupId}",
        "DELETE /v2/{projectId}/users/{userId}",
        "DELETE /v2/{projectId}/access-keys/{accessKeyId}",
        "POST /v2/{projectId}/users/{userId}/resend-email",
        "POST /v2/{projectId}/users/import/{importId}/confirm",
        "POST /v2/{projectId}/desktops/{desktopId}/agent-key",
        "POST /v2/{projectId}/desktop-pools/{poolId}/scaling/resume",
        "POST /v2/end-user/sign-out",
        "POST /v2/end-user/pools/{poolId}/connect",
        "POST /v2/end-user/pools/{poolId}/disconnect",
        "POST /v2/end-user/pools/{poolId}/logoff",
    };

    /// <summary>Routes that read a file, tested with hostile workbooks.</summary>
    private static readonly HashSet<string> FileRoutes = new(StringComparer.Ordinal) { "POST /v2/{projectId}/users/import" };

    private const string UserShape = """
        {"user_name":"fuzzed","user_email":"f@example.com","user_phone":"+8612345678901","account_expires":"0",
         "active_type":"ADMIN_ACTIVATE","password":"Passw0rd!x","enable_change_password":true,
         "next_login_change_password":false,"group_ids":["{group}"],"description":"d","alias_name":"a"}
        """;

    /// <summary>Text no field accepts: control characters, noncharacters, bidirectional overrides, or far too much of it.</summary>
    private static readonly string[] HostileStrings =
    [
        "a\u0000b", "\u001b[2J\u001b[31mred", "line\r\nSet-Cookie: taken=1", "tab\there", "\u007f\u0085\u009f",
        "\uffff\ufffe", "\ufdd0", "\u202e\u0644\u0627", "name\u2066x", new string('a', 100_000),
    ];

    private static readonly string[] HostileIds =
    [
        "..%2F..%2Fetc%2Fpasswd", "%27%20OR%201%3D1--", new string('a', 5000), "%F0%9F%92%A9", "%C0%AF", "%ZZ",
        "a%0D%0ASet-Cookie:%20x=1", "CON", "%2A", "-1", "00000000-0000-0000-0000-000000000000", "%E2%80%AE",
    ];

    private TestServer Server => fixture.Server;

    [Fact]
    public void EveryChangingRoute_IsFuzzedOneWayOrAnother()
    {
        var unplaced = IsolationSweepTests.MappedRoutes(Server)
            .SelectMany(e => IsolationSweepTests.Methods(e).Select(m => $"{m} {IsolationSweepTests.Template(e)}"))
            .Where(r => IsApiRoute(r) && !r.StartsWith("GET ", StringComparison.Ordinal)
                && !BodyShapes.ContainsKey(r) && !NoBody.Contains(r) && !FileRoutes.Contains(r))
            .Distinct()
            .ToList();

        Assert.True(unplaced.Count == 0, "Changing routes the fuzzing does not know: " + string.Join(", ", unplaced));
    }

    [Fact]
    public async Task EveryBodyRoute_RefusesThousandsOfHostileBodies_WithTheErrorBody_AndChangesNothing()
    {
        var before = await fixture.SnapshotAsync();
        var random = new Random(20261204);
        var failures = new List<string>();
        var sent = 0;

        foreach (var (route, shape) in BodyShapes)
        {
            var (method, template) = Split(route);
            foreach (var body in HostileBodies(Fill(shape), random))
            {
                sent++;
                await ExpectRefusedAsync(failures, method, Fill(template), body, Credential(template),
                    allowOk: method == "PUT" && OnlyUnknownMembers(body));
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile bodies were not refused cleanly:{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Take(40)));
        Assert.True(sent > 2000, $"Only {sent} bodies were sent.");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task EveryRouteWithIds_RefusesHostileIds_AndChangesNothing()
    {
        var before = await fixture.SnapshotAsync();
        var failures = new List<string>();
        var sent = 0;
        var routes = IsolationSweepTests.MappedRoutes(Server)
            .SelectMany(e => IsolationSweepTests.Methods(e).Select(m => (Method: m, Template: IsolationSweepTests.Template(e))))
            .Where(r => IsApiRoute($"{r.Method} {r.Template}") && r.Template.Contains('{', StringComparison.Ordinal))
            .Distinct()
            .ToList();

        foreach (var (method, template) in routes)
        {
            var route = $"{method} {template}";
            var body = BodyShapes.TryGetValue(route, out var shape) ? Fill(shape) : null;
            foreach (Match parameter in Parameter().Matches(template))
            {
                foreach (var hostile in HostileIds)
                {
                    var path = Fill(template.Replace(parameter.Value, hostile, StringComparison.Ordinal));
                    sent++;
                    await ExpectRefusedAsync(failures, method, path, body is null ? null : Encoding.UTF8.GetBytes(body),
                        Credential(template), allowOk: method == "GET");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} hostile ids were not answered cleanly:{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Take(40)));
        Assert.True(sent > 500, $"Only {sent} requests were sent.");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("X-Auth-Token", "\u0001\u0002")]
    [InlineData("X-Auth-Token", "token-project-a\r\n")]
    [InlineData("X-Auth-Token", "long")]
    [InlineData("Authorization", "Bearer long")]
    [InlineData("Authorization", "SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=")]
    [InlineData("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date;;;;;;, Signature=zz")]
    [InlineData("Authorization", "Basic Og==")]
    [InlineData("X-Sdk-Date", "99999999T999999Z")]
    [InlineData("X-Request-Id", "\u007f'\"<>")]
    [InlineData("Content-Type", "application/json; charset=utf-32")]
    [InlineData("Content-Type", "multipart/form-data")]
    [InlineData("Content-Type", "text/plain")]
    public async Task HostileHeaders_AreAnsweredWithTheErrorBody_NeverAFault(string name, string value)
    {
        value = value.Replace("long", new string('x', 60_000), StringComparison.Ordinal);
        var failures = new List<string>();
        var before = await fixture.SnapshotAsync();

        foreach (var (method, path) in new[]
                 {
                     ("GET", Wire.Path("desktop-pools")), ("POST", Wire.Path("groups")), ("POST", "/v2/end-user/sign-in"),
                     ("GET", "/v2/end-user/pools"), ("POST", $"/v2/desktop-agent/{fixture.Id("desktop")}/events"),
                 })
        {
            using var client = Server.ClientFor(null);
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            if (method == "POST")
            {
                request.Content = new ByteArrayContent("""{"group_name":"hdr","platform_type":"LOCAL"}"""u8.ToArray());
                request.Content.Headers.TryAddWithoutValidation("Content-Type",
                    name == "Content-Type" ? value : "application/json");
            }

            if (name != "Content-Type")
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await SendAsync(client, request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (status >= 500 || (status is not (400 or 401 or 403 or 404 or 413 or 415 or 429 or 431) && !IsSafeSuccess(method, path, status))
                || (status != 431 && ErrorCode(text) is null && status >= 400))
            {
                failures.Add($"{method} {path} with {name}: {status} {text[..Math.Min(160, text.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("lying-bomb")]
    [InlineData("laughs")]
    [InlineData("external-entity")]
    [InlineData("many-parts")]
    [InlineData("nested-zip")]
    [InlineData("huge-shared-string")]
    [InlineData("random")]
    public async Task HostileWorkbooks_AreRefusedQuickly_AndCreateNoUser(string kind)
    {
        var file = kind switch
        {
            "lying-bomb" => LyingBomb(),
            "laughs" => Rewrite(Workbooks.Build(Workbooks.Row("1", "laugh", "l@example.com")), BillionLaughs),
            "external-entity" => Rewrite(Workbooks.Build(Workbooks.Row("1", "xxe", "x@example.com")), ExternalEntity),
            "many-parts" => ManyParts(),
            "nested-zip" => NestedZip(),
            "huge-shared-string" => Rewrite(Workbooks.Build(Workbooks.Row("1", "huge", "h@example.com")),
                xml => xml.Replace("huge", new string('h', 20_000_000), StringComparison.Ordinal)),
            _ => RandomZipLike(),
        };
        var before = await fixture.SnapshotAsync();
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(file), "file", "users.xlsx");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Wire.Path("users/import"), UriKind.Relative)) { Content = content };
        using var client = Server.ClientFor(TestServer.TokenA);
        var started = DateTime.UtcNow;

        using var response = await SendAsync(client, request);

        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            // A readable workbook gets a preview; its hostile row must be judged invalid there.
            using var preview = JsonDocument.Parse(text);
            Assert.Equal(0, preview.RootElement.GetProperty("valid_count").GetInt32());
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge,
                $"{kind}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            Assert.NotNull(ErrorCode(text));
        }

        Assert.True(DateTime.UtcNow - started < Patience, $"{kind} took {DateTime.UtcNow - started}.");
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("multipart/form-data", "abc")]
    [InlineData("multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc")]
    [InlineData("multipart/form-data; boundary=zzz", "--zzz\r\nContent-Disposition\r\n\r\n--zzz--")]
    [InlineData("multipart/form-data; boundary=zzz", "--zzz\r\n\u0000\u0001\r\n\r\nx\r\n--zzz--\r\n")]
    [InlineData("application/x-www-form-urlencoded", "file=%ZZ&&==")]
    public async Task MalformedUploads_AreRefusedWithTheErrorBody(string contentType, string body)
    {
        var before = await fixture.SnapshotAsync();
        using var client = Server.ClientFor(TestServer.TokenA);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await client.PostAsync(new Uri(Wire.Path("users/import"), UriKind.Relative), content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.NotNull(ErrorCode(text));
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    private static IEnumerable<byte[]> HostileBodies(string shape, Random random)
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        foreach (var text in new[]
                 {
                     "", " ", "{", "[", "null", "[]", "\"x\"", "123", "true", "{}{}", "{\"a\":1e99999}", "{\"a\":-}",
                     new string('[', 10_000) + new string(']', 10_000),
                     string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000),
                     "{" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"k{i}\":{i}")) + "}",
                     shape[..(shape.Length / 2)], shape + "x", shape.Replace("\"", "'", StringComparison.Ordinal),
                 })
        {
            yield return Utf8(text);
        }

        yield return [0xEF, 0xBB, 0xBF, .. Utf8(shape[..^1]), 0xFF, 0xFE, .. Utf8("}")];
        yield return Encoding.Unicode.GetBytes(shape);
        yield return Encoding.UTF32.GetBytes(shape);
        yield return Enumerable.Range(0, 512).Select(_ => (byte)random.Next(256)).ToArray();

        var root = JsonNode.Parse(shape)!;
        foreach (var leaf in Members(root))
        {
            foreach (var replacement in WrongValues(leaf.Value, random))
            {
                yield return Utf8(Replace(root, leaf.Path, replacement).ToJsonString());
            }

            foreach (var raw in WrongRawValues(leaf.Value))
            {
                var marked = Replace(root, leaf.Path, "\u0001PLACEHOLDER\u0001").ToJsonString();
                yield return Utf8(marked.Replace("\"\\u0001PLACEHOLDER\\u0001\"", raw, StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Every member of the body, nested ones too (inside objects and the first item of arrays), with its path.</summary>
    private static IEnumerable<(List<object> Path, JsonNode? Value)> Members(JsonNode node, List<object>? path = null)
    {
        path ??= [];
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                List<object> here = [.. path, name];
                yield return (here, value);
                if (value is not null)
                {
                    foreach (var inner in Members(value, here))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (node is JsonArray { Count: > 0 } array && array[0] is { } first)
        {
            List<object> here = [.. path, 0];
            if (first is JsonObject or JsonArray)
            {
                foreach (var inner in Members(first, here))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return (here, first);
            }
        }
    }

    private static JsonNode Replace(JsonNode root, List<object> path, JsonNode? replacement)
    {
        var copy = root.DeepClone();
        var parent = copy;
        foreach (var step in path.SkipLast(1))
        {
            parent = step is string name ? parent[name]! : parent[(int)step]!;
        }

        if (path[^1] is string member)
        {
            parent[member] = replacement;
        }
        else
        {
            parent[(int)path[^1]] = replacement;
        }

        return copy;
    }

    /// <summary>Values of the wrong kind for a member, or of the right kind and hostile content.</summary>
    private static IEnumerable<JsonNode?> WrongValues(JsonNode? value, Random random)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        if (kind != JsonValueKind.Object)
        {
            yield return new JsonObject { ["$ref"] = "#" };
            yield return new JsonObject();
        }

        if (kind != JsonValueKind.Array)
        {
            yield return new JsonArray();
            yield return new JsonArray(new JsonArray(new JsonArray("x")));
        }

        if (kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            yield return true;
        }

        if (kind == JsonValueKind.String)
        {
            yield return 12;
            yield return -0.5;
            foreach (var text in HostileStrings)
            {
                yield return text;
            }

            yield return string.Concat(Enumerable.Range(0, 64).Select(_ => (char)random.Next(0, 32)));
        }
        else
        {
            yield return "12";
            yield return HostileStrings[random.Next(HostileStrings.Length)];
        }

        if (kind == JsonValueKind.Array)
        {
            yield return new JsonArray(1, 2);
            yield return new JsonArray(new JsonObject());
            yield return new JsonArray(Enumerable.Range(0, 100_000).Select(i => (JsonNode?)$"id-{i}").ToArray());
            yield return new JsonArray(HostileStrings.Select(s => (JsonNode?)s).ToArray());
        }
    }

    /// <summary>Number forms that JSON allows but no field here can hold.</summary>
    private static IEnumerable<string> WrongRawValues(JsonNode? value)
    {
        if (value?.GetValueKind() == JsonValueKind.Number)
        {
            yield return "1e400";
            yield return "-1e400";
            yield return "99999999999999999999999999999999";
            yield return "1.5";
            yield return "-2147483649";
            yield return "0.0000000000000000000000000000000001";
        }
        else
        {
            yield return "1e400";
        }
    }

    private async Task ExpectRefusedAsync(
        List<string> failures, string method, string path, byte[]? body, (string Name, string Value)? credential, bool allowOk = false)
    {
        using var client = Server.ClientFor(null);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (credential is { } header)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await SendAsync(client, request);
        }
        catch (TaskCanceledException)
        {
            failures.Add($"{method} {Short(path)}: no answer within {Patience.TotalSeconds} s for {Describe(body)}");
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var refused = status is >= 400 and < 500 && ErrorCode(text) is not null;
            if (!refused && !(allowOk && status is 200 or 204))
            {
                failures.Add($"{method} {Short(path)}: {status} {text[..Math.Min(200, text.Length)]} for {Describe(body)}");
            }
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var patience = new CancellationTokenSource(Patience);
        return await client.SendAsync(request, patience.Token);
    }

    private (string Name, string Value)? Credential(string template) =>
        template.StartsWith("/v2/{projectId}", StringComparison.Ordinal) ? ("X-Auth-Token", TestServer.TokenA)
        : template.StartsWith("/v2/end-user/", StringComparison.Ordinal) ? ("Authorization", "Bearer " + fixture.EndUserToken)
        : template.StartsWith("/v2/desktop-agent/", StringComparison.Ordinal) ? ("X-Agent-Key", fixture.AgentKeyOfA)
        : null;

    /// <summary>
    /// An object whose members are all unknown: unknown members are ignored, so an update made of
    /// them changes nothing and may be answered as done (the snapshot proves it changed nothing).
    /// </summary>
    private static bool OnlyUnknownMembers(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.StartsWith("{\"a\":", StringComparison.Ordinal) || text.StartsWith("{\"k0\":", StringComparison.Ordinal);
    }

    private static bool IsApiRoute(string route) => route.Contains(" /v2/", StringComparison.Ordinal);

    private static bool IsSafeSuccess(string method, string path, int status) =>
        method == "GET" && status == 200 && path.Contains("/desktop-pools", StringComparison.Ordinal);

    private static string? ErrorCode(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error_code", out var code)
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (string Method, string Template) Split(string route)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        return (route[..space], route[(space + 1)..]);
    }

    private static string Short(string path) => path.Length > 120 ? path[..120] + "..." : path;

    private static string Describe(byte[]? body) => body is null ? "no body"
        : body.Length > 100 ? $"a body of {body.Length} bytes starting {Encoding.UTF8.GetString(body, 0, 60)}"
        : Encoding.UTF8.GetString(body);

    private string Fill(string template) => template
        .Replace("{projectId}", TestServer.ProjectA, StringComparison.Ordinal)
        .Replace("{project}", TestServer.ProjectA, StringComparison.Ordinal)
        .Replace("{poolId}", fixture.Id("pool"), StringComparison.Ordinal)
        .Replace("{desktopId}", fixture.Id("desktop"), StringComparison.Ordinal)
        .Replace("{desktop}", fixture.Id("desktop"), StringComparison.Ordinal)
        .Replace("{jobId}", fixture.Id("job"), StringComparison.Ordinal)
        .Replace("{policyId}", fixture.Id("policy"), StringComparison.Ordinal)
        .Replace("{policy}", fixture.Id("policy"), StringComparison.Ordinal)
        .Replace("{userId}", fixture.UserId, StringComparison.Ordinal)
        .Replace("{user}", fixture.UserId, StringComparison.Ordinal)
        .Replace("{groupId}", fixture.GroupId, StringComparison.Ordinal)
        .Replace("{group}", fixture.GroupId, StringComparison.Ordinal)
        .Replace("{importId}", "no-such-import", StringComparison.Ordinal)
        .Replace("{accessKeyId}", fixture.KeyOfA.Access, StringComparison.Ordinal);

    private static string BillionLaughs(string sheet) =>
        """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">""" +
        """<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">""" +
        """<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">""" +
        """<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">""" +
        """<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>""" +
        XmlBody(sheet).Replace("laugh", "&lol9;", StringComparison.Ordinal);

    private static string ExternalEntity(string sheet) =>
        """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>""" +
        XmlBody(sheet).Replace("xxe", "&xxe;", StringComparison.Ordinal);

    private static string XmlBody(string xml) => xml.StartsWith("<?xml", StringComparison.Ordinal) ? xml[(xml.IndexOf("?>", StringComparison.Ordinal) + 2)..] : xml;

    /// <summary>Rewrites every XML part of the workbook (the names may sit in shared strings or in the sheet).</summary>
    private static byte[] Rewrite(byte[] workbook, Func<string, string> change)
    {
        using var stream = new MemoryStream();
        stream.Write(workbook);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("xl/", StringComparison.Ordinal)
                         && e.FullName.EndsWith(".xml", StringComparison.Ordinal)).ToList())
            {
                string xml;
                using (var reader = new StreamReader(entry.Open()))
                {
                    xml = reader.ReadToEnd();
                }

                var changed = change(xml);
                if (changed == xml)
                {
                    continue;
                }

                var name = entry.FullName;
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.SmallestSize).Open());
                writer.Write(changed);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A workbook whose sheet unpacks to hundreds of megabytes while its zip directory claims a
    /// few kilobytes, so a size check that trusts the directory is not enough.
    /// </summary>
    private static byte[] LyingBomb()
    {
        var workbook = Rewrite(Workbooks.Build(Workbooks.Row("1", "bomb", "b@example.com")),
            xml => xml.Contains("bomb", StringComparison.Ordinal)
                ? xml.Replace("bomb", "bomb" + new string(' ', 300_000_000), StringComparison.Ordinal)
                : xml);
        var bytes = workbook.ToArray();
        using var zip = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read);
        var target = zip.Entries.OrderByDescending(e => e.Length).First();
        var name = Encoding.UTF8.GetBytes(target.FullName);
        for (var at = 0; at < bytes.Length - 46; at++)
        {
            var local = bytes[at] == 0x50 && bytes[at + 1] == 0x4b && bytes[at + 2] == 0x03 && bytes[at + 3] == 0x04;
            var central = bytes[at] == 0x50 && bytes[at + 1] == 0x4b && bytes[at + 2] == 0x01 && bytes[at + 3] == 0x02;
            var nameAt = local ? at + 30 : central ? at + 46 : -1;
            if (nameAt > 0 && nameAt + name.Length <= bytes.Length && bytes.AsSpan(nameAt, name.Length).SequenceEqual(name))
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(local ? at + 22 : at + 24, 4), 4096u);
            }
        }

        return bytes;
    }

    private static byte[] ManyParts()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 20_000; i++)
            {
                zip.CreateEntry($"xl/p{i}.xml", CompressionLevel.NoCompression);
            }
        }

        return stream.ToArray();
    }

    private static byte[] NestedZip()
    {
        var inner = Workbooks.WithBomb(Workbooks.Build(Workbooks.Row("1", "nest", "n@example.com")), 8);
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 4; i++)
            {
                using var entry = zip.CreateEntry($"xl/embeddings/book{i}.xlsx").Open();
                entry.Write(inner);
            }
        }

        return stream.ToArray();
    }

    private static byte[] RandomZipLike()
    {
        var random = new Random(7);
        var bytes = new byte[64 * 1024];
        random.NextBytes(bytes);
        bytes[0] = 0x50;
        bytes[1] = 0x4b;
        bytes[2] = 0x03;
        bytes[3] = 0x04;
        return bytes;
    }

    [GeneratedRegex(@"\{\*{0,2}\w+(?::[^}]*)?\}")]
    private static partial Regex Parameter();
}
