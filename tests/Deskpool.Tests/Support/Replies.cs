using System.Net;
using System.Text.Json;

namespace Deskpool.Tests.Support;

/// <summary>Checks the shape of the answers the rules produce: the error body and the job id.</summary>
public static class Replies
{
    /// <summary>
    /// Asserts a refusal: the status, the stable code, the field the error body names, a message that
    /// mentions that field, and a request id that matches the <c>X-Request-Id</c> header.
    /// </summary>
    public static void AssertRefused(
        this (HttpResponseMessage Response, JsonElement Body) reply, HttpStatusCode status, string code, string field)
    {
        reply.AssertError(status, code);
        var body = reply.Body;
        Assert.True(body.TryGetProperty("field", out var named), $"The error body names no field: {body}");
        Assert.Equal(field, named.GetString());
        Assert.Contains(field, body.Message(), StringComparison.Ordinal);
    }

    /// <summary>Asserts a 400 with <paramref name="code"/> naming <paramref name="field"/>.</summary>
    public static void AssertInvalid(
        this (HttpResponseMessage Response, JsonElement Body) reply, string code, string field) =>
        reply.AssertRefused(HttpStatusCode.BadRequest, code, field);

    /// <summary>Asserts an error answer of the wire contract, whatever field it concerns.</summary>
    public static void AssertError(
        this (HttpResponseMessage Response, JsonElement Body) reply, HttpStatusCode status, string code)
    {
        var (response, body) = reply;
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(code, body.Code());
        Assert.False(string.IsNullOrWhiteSpace(body.Message()));
        var requestId = body.GetProperty("request_id").GetString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.True(response.Headers.TryGetValues("X-Request-Id", out var header), "No X-Request-Id header.");
        Assert.Equal(requestId, Assert.Single(header));
    }

    /// <summary>Asserts a plain 200 answer, as a change that was made gives.</summary>
    public static void AssertOk(this (HttpResponseMessage Response, JsonElement Body) reply) =>
        Assert.True(reply.Response.StatusCode == HttpStatusCode.OK,
            $"Expected 200, got {(int)reply.Response.StatusCode}: {reply.Body}");

    /// <summary>Asserts that a purchase (or another desktop operation) was accepted: 200 with a job id.</summary>
    public static string AssertAccepted(this (HttpResponseMessage Response, JsonElement Body) reply)
    {
        var (response, body) = reply;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        var jobId = body.GetProperty("job_id").GetString();
        Assert.False(string.IsNullOrEmpty(jobId));
        return jobId!;
    }
}
