using System.Globalization;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>The error body of the wire contract, plus the field the error concerns and any further errors.</summary>
internal sealed record ErrorBody(
    string ErrorCode,
    string ErrorMsg,
    string? RequestId,
    string? Field = null,
    IReadOnlyList<FieldError>? Errors = null);

internal sealed record FieldError(string ErrorCode, string ErrorMsg, string? Field);

/// <summary>The one place where failures become HTTP responses.</summary>
internal static class ApiErrors
{
    public static IResult From(Failure failure, HttpContext? context = null)
    {
        var status = failure.Kind switch
        {
            FailureKind.Invalid => StatusCodes.Status400BadRequest,
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.Unauthorized => StatusCodes.Status401Unauthorized,
            FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            FailureKind.TooManyAttempts => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        if (failure.RetryAfter is { } retryAfter && context is not null)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        }

        if (context is not null)
        {
            AuditRecording.NoteErrorCode(context, failure.Code);
        }

        var others = failure.Others.Count == 0
            ? null
            : new[] { failure }.Concat(failure.Others).Select(f => new FieldError(f.Code, f.Message, f.Field)).ToList();
        var body = new ErrorBody(failure.Code, failure.Message, RequestIds.Current(context), failure.Field, others);
        return Results.Json(body, ApiJson.Options, statusCode: status);
    }

    /// <summary>Whole seconds for a Retry-After header, never less than one.</summary>
    public static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    /// <summary>Writes an error body directly, for middleware that runs outside endpoints.</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        AuditRecording.NoteErrorCode(context, code);
        return context.Response.WriteAsJsonAsync(
            new ErrorBody(code, message, RequestIds.Current(context)), ApiJson.Options, context.RequestAborted);
    }
}
