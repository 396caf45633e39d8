using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Cli.Config;

namespace Deskpool.Cli.Api;

/// <summary>The error body of the API, as the server writes it.</summary>
internal sealed record ApiError(
    string? ErrorCode, string? ErrorMsg, string? RequestId, string? Field, IReadOnlyList<ApiFieldError>? Errors);

internal sealed record ApiFieldError(string? ErrorCode, string? ErrorMsg, string? Field);

/// <summary>The server answered with an error status.</summary>
internal sealed class ApiException(int status, ApiError error)
    : Exception(error.ErrorMsg ?? $"The server answered {status}.")
{
    public int Status { get; } = status;

    public ApiError Error { get; } = error;
}

/// <summary>
/// A small typed client over the public REST API: paths under <c>/v2/{project_id}/</c>, the
/// <c>X-Auth-Token</c> header, snake_case JSON. Every failure becomes an exception that carries its exit code.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly Connection _connection;

    public ApiClient(Connection connection, HttpMessageHandler? handler, TimeSpan timeout)
    {
        _connection = connection;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        var endpoint = connection.Endpoint.ToString();
        _http.BaseAddress = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        _http.Timeout = timeout;
        if (connection.Token is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Auth-Token", connection.Token);
        }
    }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PostAsync(string path, object? body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), ct);

    public Task<JsonNode?> PutAsync(string path, object body, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, path, body, ct);

    public Task<JsonNode?> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public async Task<T> GetAsync<T>(string path, CancellationToken ct) => As<T>(await GetAsync(path, ct));

    public static T As<T>(JsonNode? node) =>
        node.Deserialize<T>(Json) ?? throw new CliException("The server answered with an empty body.", ExitCodes.Failed);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, ProjectPath(path));
        if (body is not null)
        {
            var json = body is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(body, Json);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await SendRawAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ProjectPath(path));
        using var response = await SendRawAsync(request, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public async Task<JsonNode?> UploadAsync(string path, string fileName, byte[] content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ProjectPath(path));
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        request.Content = form;
        using var response = await SendRawAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    public void Dispose() => _http.Dispose();

    private Uri ProjectPath(string path) =>
        new($"v2/{Uri.EscapeDataString(_connection.RequireProject())}/{path}", UriKind.Relative);

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(
                $"Cannot reach the server at {_connection.Endpoint}: {e.Message}", ExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException(
                $"The server at {_connection.Endpoint} did not answer within {_http.Timeout.TotalSeconds:0} s.",
                ExitCodes.Unreachable);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new ApiException((int)response.StatusCode, await ReadErrorAsync(response, ct));
        }
    }

    private static async Task<ApiError> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        var text = await response.Content.ReadAsStringAsync(ct);
        ApiError? error = null;
        try
        {
            error = string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<ApiError>(text, Json);
        }
        catch (JsonException)
        {
            // Not the API's error body (a proxy page, say): reported below with the status alone.
        }

        error ??= new ApiError(
            null, $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, null, null);
        return error with { RequestId = error.RequestId ?? requestId };
    }
}
