using System.Net;
using System.Text;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// Bodies that cannot be read as the request they claim to be. Every one gets a 4xx with the error
/// body (error_code, error_msg, request_id) and the X-Request-Id header; none gets a 500.
/// </summary>
public sealed class MalformedInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int OneMegabyte = 1024 * 1024;
    private static readonly string Pools = Wire.Path("desktop-pools");

    private readonly HttpClient _client = fixture.Client;

    /// <summary>
    /// Every operation that reads a JSON body, with one member of its body; ids need not exist,
    /// because the body is read first.
    /// </summary>
    public static TheoryData<string, string, string> BodyRoutes => new()
    {
        { "POST", "desktop-pools", "\"size\":1" },
        { "PUT", $"desktop-pools/{Guid.Empty}", "\"name\":\"a\"" },
        { "POST", $"desktop-pools/{Guid.Empty}/expand", "\"size\":1" },
        { "POST", $"desktop-pools/{Guid.Empty}/action", "\"op_type\":\"reboot\"" },
        { "POST", "desktops/batch-delete", "\"desktop_ids\":[\"a\"]" },
        { "POST", "desktop-name-policies", "\"digit_number\":3" },
        { "PUT", $"desktop-name-policies/{Guid.Empty}", "\"digit_number\":3" },
        { "POST", "desktop-name-policies/batch-delete", "\"policy_ids\":[\"a\"]" },
    };

    [Theory]
    [InlineData("", "body")]
    [InlineData("   ", "body")]
    [InlineData("null", "body")]
    [InlineData("[]", "body")]
    [InlineData("[{}]", "body")]
    [InlineData("\"pool\"", "body")]
    [InlineData("42", "body")]
    [InlineData("true", "body")]
    [InlineData("{", "body")]
    [InlineData("}", "body")]
    [InlineData("{} {}", "body")]
    [InlineData("{}x", "body")]
    [InlineData("{/* comment */}", "body")]
    [InlineData("{'name':'pool'}", "body")]
    [InlineData("{\"name\":", "name")]
    [InlineData("{\"name\":\"pool\",}", "body")]
    [InlineData("{\"name\":\"pool\"", "body")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\"}", "name")]
    [InlineData("{\"root_volume\":{\"size\":80,\"size\":90}}", "root_volume.size")]
    [InlineData("{\"name\":\"\\ud800\"}", "name")]
    [InlineData("{\"name\":\"\\x41\"}", "name")]
    [InlineData("{\"size\":NaN}", "size")]
    [InlineData("{\"size\":01}", "size")]
    public async Task Create_WithBodyThatIsNotAJsonObject_IsRefused(string body, string field)
    {
        var reply = await _client.PostJsonAsync(Pools, body);

        reply.AssertInvalid("WKS.0001", field);
    }

    [Theory]
    [InlineData("{\"size\":\"10\"}", "size", "whole number")]
    [InlineData("{\"size\":10.5}", "size", "whole number")]
    [InlineData("{\"size\":1e2}", "size", "whole number")]
    [InlineData("{\"size\":2147483648}", "size", "whole number")]
    [InlineData("{\"size\":99999999999999999999999999999999}", "size", "whole number")]
    [InlineData("{\"size\":true}", "size", "whole number")]
    [InlineData("{\"size\":{}}", "size", "whole number")]
    [InlineData("{\"name\":5}", "name", "string")]
    [InlineData("{\"name\":[\"pool\"]}", "name", "string")]
    [InlineData("{\"enable_autoscale\":\"true\"}", "enable_autoscale", "true or false")]
    [InlineData("{\"enable_autoscale\":1}", "enable_autoscale", "true or false")]
    [InlineData("{\"subnet_ids\":\"7a1c3e5b\"}", "subnet_ids", "array")]
    [InlineData("{\"subnet_ids\":{}}", "subnet_ids", "array")]
    [InlineData("{\"subnet_ids\":[1]}", "subnet_ids[0]", "string")]
    [InlineData("{\"root_volume\":[]}", "root_volume", "object")]
    [InlineData("{\"root_volume\":\"SAS\"}", "root_volume", "object")]
    [InlineData("{\"root_volume\":{\"type\":\"SAS\",\"size\":\"80\"}}", "root_volume.size", "whole number")]
    [InlineData("{\"tags\":[{\"key\":1}]}", "tags[0].key", "string")]
    [InlineData("{\"tags\":{\"key\":\"a\"}}", "tags", "array")]
    [InlineData("{\"autoscale_policy\":{\"max_auto_created\":\"10\"}}", "autoscale_policy.max_auto_created",
        "whole number")]
    public async Task Create_WithFieldOfWrongJsonType_IsRefusedNamingTheFieldAndTheType(
        string body, string field, string expected)
    {
        var reply = await _client.PostJsonAsync(Pools, body);

        reply.AssertInvalid("WKS.0001", field);
        Assert.Contains("wrong JSON type", reply.Body.Message(), StringComparison.Ordinal);
        Assert.Contains(expected, reply.Body.Message(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(200)]
    [InlineData(10_000)]
    public async Task Create_WithDeeplyNestedJson_IsRefused(int depth)
    {
        var body = "{\"x\":" + new string('[', depth) + new string(']', depth) + "}";

        var reply = await _client.PostJsonAsync(Pools, body);

        reply.AssertInvalid("WKS.0001", "x");
    }

    [Fact]
    public async Task Create_WithDeeplyNestedObjects_IsRefused()
    {
        var body = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);

        var reply = await _client.PostJsonAsync(Pools, body);

        reply.AssertError(HttpStatusCode.BadRequest, "WKS.0001");
    }

    [Fact]
    public async Task Create_WithInvalidUtf8_IsRefused()
    {
        byte[] body = [.. "{\"name\":\""u8, 0xFF, 0xFE, .. "\"}"u8];

        var reply = await SendAsync(HttpMethod.Post, Pools, new ByteArrayContent(body));

        reply.AssertInvalid("WKS.0001", "name");
    }

    [Fact]
    public async Task Create_WithBodyOverOneMegabyte_IsRefusedAsTooLarge()
    {
        var reply = await SendAsync(HttpMethod.Post, Pools, new StringContent(NameOfBytes(OneMegabyte + 1)));

        reply.AssertError(HttpStatusCode.RequestEntityTooLarge, "WKS.0413");
    }

    [Fact]
    public async Task Create_WithChunkedBodyOverOneMegabyte_IsRefusedAsTooLarge()
    {
        var content = new UnsizedContent(Encoding.UTF8.GetBytes(NameOfBytes(2 * OneMegabyte)));

        var reply = await SendAsync(HttpMethod.Post, Pools, content);

        reply.AssertError(HttpStatusCode.RequestEntityTooLarge, "WKS.0413");
    }

    [Fact]
    public async Task Create_WithBodyOfExactlyOneMegabyte_IsReadAndJudgedByTheRules()
    {
        var content = new UnsizedContent(Encoding.UTF8.GetBytes(NameOfBytes(OneMegabyte)));

        var reply = await SendAsync(HttpMethod.Post, Pools, content);

        reply.AssertInvalid("WKS.0003", "name");
    }

    [Fact]
    public async Task Create_WithUnknownProperties_IgnoresThem()
    {
        var request = Wire.PoolRequest(ServerFixture.Unique("extra"), 0).With("flavour_of_the_day", """{"x":[1,2]}""");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task EveryBodyRoute_WithUnreadableBody_IsRefusedWithTheErrorBody(
        string method, string path, string member)
    {
        string[] bodies =
        [
            "", "null", "[]", "{", "\"text\"", $"{{{member},{member}}}", "{\"x\":" + new string('[', 100) + "}",
            $"{{{member.Split(':')[0]}:{{\"nested\":true}}}}",
        ];

        foreach (var body in bodies)
        {
            var reply = await _client.CallAsync(new HttpMethod(method), Wire.Path(path), body);

            reply.AssertError(HttpStatusCode.BadRequest, "WKS.0001");
        }
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task EveryBodyRoute_WithBodyOverOneMegabyte_IsRefusedAsTooLarge(
        string method, string path, string member)
    {
        var body = $"{{{member},\"padding\":\"{new string('p', OneMegabyte)}\"}}";

        var reply = await SendAsync(new HttpMethod(method), Wire.Path(path), new StringContent(body));

        reply.AssertError(HttpStatusCode.RequestEntityTooLarge, "WKS.0413");
    }

    [Fact]
    public async Task Errors_EchoASaneRequestIdFromTheClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Pools, UriKind.Relative))
        {
            Content = new StringContent("{", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", "client-chosen-id.42");

        using var response = await _client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("client-chosen-id.42", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal("client-chosen-id.42", body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task UnknownRoute_AnswersWithTheErrorBody()
    {
        var reply = await _client.GetJsonAsync(Wire.Path("desktop-pools-nonexistent"));

        reply.AssertError(HttpStatusCode.NotFound, "APIGW.0101");
    }

    /// <summary>A JSON object whose one string makes the whole body exactly <paramref name="bytes"/> long.</summary>
    private static string NameOfBytes(int bytes)
    {
        const string head = "{\"name\":\"";
        const string tail = "\"}";
        return head + new string('n', bytes - head.Length - tail.Length) + tail;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(
        HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Content of no declared length, sent chunked, as a streaming client would.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
