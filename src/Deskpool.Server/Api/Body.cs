using System.Text.Json;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>Reads a JSON body into a request record, turning every way a body can be wrong into a 400.</summary>
internal static class Body
{
    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Malformed(ex);
        }
        catch (BadHttpRequestException ex)
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, "body", $"The request body could not be read: {ex.Message}");
        }

        return value is null
            ? Failure.Invalid(ErrorCodes.MalformedBody, "body", "The request body must be a JSON object; it was empty or null.")
            : value;
    }

    private static Failure Malformed(JsonException ex)
    {
        if (ex.Path is null or "$" && ex.LineNumber is 0 && ex.BytePositionInLine is 0)
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, "body", "The request body is empty; a JSON object is expected.");
        }

        var field = FieldOf(ex.Path);
        var where = $"line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}";
        if (ex.InnerException is null && ex.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
                $"{field ?? "The body"} has the wrong JSON type ({where}): {TypeHint(ex.Message)}.");
        }

        if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
                $"The request body repeats the property {field} ({where}).");
        }

        return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
            $"The request body is not valid JSON ({where}{(field is null ? "" : $", near {field}")}).");
    }

    /// <summary>Turns a JSON path such as <c>$.root_volume.size</c> into the field name <c>root_volume.size</c>.</summary>
    private static string? FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.TrimStart('$').TrimStart('.');

    private static string TypeHint(string message)
    {
        if (message.Contains("System.Int32", StringComparison.Ordinal) || message.Contains("System.Int64", StringComparison.Ordinal))
        {
            return "expected a whole number";
        }

        if (message.Contains("System.Boolean", StringComparison.Ordinal))
        {
            return "expected true or false";
        }

        if (message.Contains("System.String", StringComparison.Ordinal))
        {
            return "expected a string";
        }

        return message.Contains("List", StringComparison.Ordinal) ? "expected an array" : "expected an object";
    }
}
