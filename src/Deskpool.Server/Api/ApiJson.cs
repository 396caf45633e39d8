using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deskpool.Server.Api;

/// <summary>The wire's JSON: snake_case names, nulls left out, duplicate keys refused.</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
    };

    /// <summary>Time strings as the wire writes them: UTC, milliseconds, <c>Z</c>.</summary>
    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    public static string? Time(DateTimeOffset? value) => value is { } v ? Time(v) : null;
}
