using System.Text.RegularExpressions;

namespace Deskpool.Core.Validation;

/// <summary>
/// Collects the violations of one request. Each check names the field by its wire path
/// (<c>root_volume.size</c>, <c>tags[3].key</c>) and says the rule in the message.
/// </summary>
public sealed class Rules
{
    private readonly List<Failure> _failures = [];

    public bool IsValid => _failures.Count == 0;

    public void Fail(string code, string field, string message) =>
        _failures.Add(Failure.Invalid(code, field, message));

    public bool Required<T>(string field, T? value)
    {
        var present = value switch
        {
            null => false,
            string text => !string.IsNullOrWhiteSpace(text),
            _ => true,
        };
        if (!present)
        {
            Fail(ErrorCodes.FieldRequired, field, $"{field} is required.");
        }

        return present;
    }

    public bool Length(string field, string? value, int min, int max)
    {
        if (value is null || (value.Length >= min && value.Length <= max))
        {
            return true;
        }

        Fail(ErrorCodes.FieldOutOfRange, field, min == 0
            ? $"{field} must be at most {max} characters long (got {value.Length})."
            : $"{field} must be {min} to {max} characters long (got {value.Length}).");
        return false;
    }

    public bool Range(string field, long? value, long min, long max)
    {
        if (value is null || (value >= min && value <= max))
        {
            return true;
        }

        Fail(ErrorCodes.FieldOutOfRange, field, $"{field} must be between {min} and {max} (got {value}).");
        return false;
    }

    public bool Count<T>(string field, IReadOnlyCollection<T>? items, int min, int max)
    {
        if (items is null || (items.Count >= min && items.Count <= max))
        {
            return true;
        }

        Fail(ErrorCodes.FieldOutOfRange, field, min == 0
            ? $"{field} may hold at most {max} items (got {items.Count})."
            : $"{field} must hold {min} to {max} items (got {items.Count}).");
        return false;
    }

    /// <summary>
    /// Checks a whole value against a pattern. Patterns must end in <c>\z</c>, not <c>$</c>: in .NET
    /// <c>$</c> also matches before a final newline, so "name\n" would pass.
    /// </summary>
    public bool Matches(string field, string? value, Regex pattern, string ruleText)
    {
        if (value is null || pattern.IsMatch(value))
        {
            return true;
        }

        Fail(ErrorCodes.FieldFormat, field, $"{field} {ruleText}.");
        return false;
    }

    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is null || allowed.Contains(value, StringComparer.Ordinal))
        {
            return true;
        }

        Fail(ErrorCodes.FieldFormat, field,
            $"{field} must be one of {string.Join(", ", allowed)} (got '{value}').");
        return false;
    }

    /// <summary>
    /// A required list of <paramref name="min"/>–<paramref name="max"/> ids, each present and, when
    /// <paramref name="maxLength"/> is given, at most that long (the batch operations' common rule).
    /// </summary>
    public bool Ids(string field, IReadOnlyList<string?>? ids, int min, int max, int? maxLength = null)
    {
        if (!Required(field, ids) || !Count(field, ids, min, max))
        {
            return false;
        }

        var ok = true;
        for (var i = 0; i < ids!.Count; i++)
        {
            ok &= Required($"{field}[{i}]", ids[i]) && (maxLength is null || Length($"{field}[{i}]", ids[i], 1, maxLength.Value));
        }

        return ok;
    }

    /// <summary>Free text may hold any printable character, but no control characters (line breaks aside).</summary>
    public bool PlainText(string field, string? value)
    {
        foreach (var ch in value ?? "")
        {
            if (char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t')
            {
                Fail(ErrorCodes.FieldFormat, field, $"{field} may not contain control characters (found U+{(int)ch:X4}).");
                return false;
            }
        }

        return true;
    }

    /// <summary>The first violation, carrying the others, or null when the request passed.</summary>
    public Failure? ToFailure() =>
        _failures.Count == 0 ? null : _failures[0] with { Others = _failures.Skip(1).ToList() };
}
