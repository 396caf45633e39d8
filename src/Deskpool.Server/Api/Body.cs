using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>Reads a JSON body into a request record, turning every way a body can be wrong into a 400.</summary>
internal static class Body
{
    private const string ConvertedTo = "could not be converted to ";

    /// <summary>
    /// Reads and parses the body. A body over <see cref="ApiSetup.MaxRequestBodyBytes"/> is not a 400:
    /// the <see cref="BadHttpRequestException"/> with status 413 is left to the pipeline, which answers 413.
    /// </summary>
    public static async Task<Outcome<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        T? value;
        var empty = false;
        try
        {
            await using var body = await ReadBoundedAsync(request, cancellationToken);
            empty = body.Length == 0;
            if (!empty && BodyText.FindForbidden(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } forbidden)
            {
                return forbidden;
            }

            value = await JsonSerializer.DeserializeAsync<T>(body, ApiJson.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Malformed(ex, typeof(T), empty);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode != StatusCodes.Status413PayloadTooLarge)
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, "body", $"The request body could not be read: {ex.Message}");
        }

        return value is null
            ? Failure.Invalid(ErrorCodes.MalformedBody, "body", "The request body must be a JSON object; it was empty or null.")
            : value;
    }

    /// <summary>
    /// Copies the body into memory, refusing it once it passes the limit. Kestrel enforces the same
    /// limit itself; this keeps it under every host, including ones that ignore the Kestrel option.
    /// </summary>
    private static async Task<MemoryStream> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > ApiSetup.MaxRequestBodyBytes)
            {
                await buffer.DisposeAsync();
                throw new BadHttpRequestException(ApiSetup.TooLargeMessage, StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static Failure Malformed(JsonException ex, Type requestType, bool empty)
    {
        if (empty)
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, "body", "The request body is empty; a JSON object is expected.");
        }

        if (ex.Path is null or "$" && ex.LineNumber is 0 && ex.BytePositionInLine is 0)
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, "body",
                "The request body is not JSON (line 1, position 1); a JSON object is expected.");
        }

        var field = FieldOf(ex.Path);
        var where = $"line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}";
        if (ex.Message.Contains(ConvertedTo, StringComparison.Ordinal))
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
                $"{field ?? "The body"} has the wrong JSON type ({where}): expected {Expected(requestType, field)}.");
        }

        if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
                $"The request body repeats the property {field} ({where}).");
        }

        if (ex.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
                $"The request body nests deeper than {ApiJson.Options.MaxDepth} levels ({where}" +
                $"{(field is null ? "" : $", near {field}")}).");
        }

        return Failure.Invalid(ErrorCodes.MalformedBody, field ?? "body",
            $"The request body is not valid JSON ({where}{(field is null ? "" : $", near {field}")}).");
    }

    /// <summary>Turns a JSON path such as <c>$.root_volume.size</c> into the field name <c>root_volume.size</c>.</summary>
    private static string? FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.TrimStart('$').TrimStart('.');

    /// <summary>
    /// Says what JSON the field takes, from the serializer's own view of the request type (the
    /// serializer's message names the enclosing type when a field is a constructor parameter).
    /// </summary>
    private static string Expected(Type requestType, string? field)
    {
        var info = ApiJson.Options.GetTypeInfo(requestType);
        foreach (var segment in (field ?? "").Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = info.Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                return "another JSON type";
            }

            info = ApiJson.Options.GetTypeInfo(property.PropertyType);
            for (var at = bracket; at >= 0 && info.ElementType is { } element; at = segment.IndexOf('[', at + 1))
            {
                info = ApiJson.Options.GetTypeInfo(element);
            }
        }

        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return type == typeof(int) ? $"a whole number from {int.MinValue} to {int.MaxValue}"
            : type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "a string"
            : info.Kind == JsonTypeInfoKind.Enumerable ? "an array"
            : "an object";
    }
}
