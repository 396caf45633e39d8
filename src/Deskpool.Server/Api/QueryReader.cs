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

    public Failure? Failure => _rules.ToFailure();
}
