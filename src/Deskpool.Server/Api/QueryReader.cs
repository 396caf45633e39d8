using System.Globalization;
using System.Numerics;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>Reads query parameters, recording a clear failure for any that do not parse or fit.</summary>
internal sealed class QueryReader(HttpRequest request)
{
    private readonly Rules _rules = new();

    public string? Text(string name, int maxLength = 255)
    {
        var value = request.Query[name].ToString();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        _rules.Length(name, value, 0, maxLength);
        return value;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            // A whole number too long for an int is out of range, not malformed.
            if (BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                _rules.Fail(ErrorCodes.FieldOutOfRange, name, $"{name} must be between {min} and {max} (got {text}).");
            }
            else
            {
                _rules.Fail(ErrorCodes.FieldFormat, name, $"{name} must be a whole number (got '{text}').");
            }

            return fallback;
        }

        return _rules.Range(name, value, min, max) ? value : fallback;
    }

    public bool? Bool(string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        _rules.Fail(ErrorCodes.FieldFormat, name, $"{name} must be true or false (got '{text}').");
        return null;
    }

    /// <summary>An instant: <c>2026-12-01T08:00:00Z</c> (seconds and fractions optional, any offset) or a UTC date.</summary>
    public DateTimeOffset? Instant(string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        _rules.Fail(ErrorCodes.FieldFormat, name,
            $"{name} must be an instant like 2026-12-01T08:00:00Z or a date like 2026-12-01 (got '{Shorten(text)}').");
        return null;
    }

    public Failure? Failure => _rules.ToFailure();

    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
