using Deskpool.Core.Validation;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// A use case's failures, by the field each names (<c>root_volume.size</c>, <c>tags[3].key</c>), so
/// that every input can show the core's own message beside it.
/// </summary>
public sealed class FieldErrors
{
    public static readonly FieldErrors None = new([]);

    private readonly List<Failure> _failures;

    private FieldErrors(List<Failure> failures) => _failures = failures;

    public bool IsEmpty => _failures.Count == 0;

    public IReadOnlyList<Failure> All => _failures;

    public static FieldErrors From(Failure? failure) =>
        failure is null ? None : new FieldErrors([failure with { Others = [] }, .. failure.Others]);

    public static FieldErrors From(IEnumerable<Failure> failures) => new(failures.ToList());

    /// <summary>The first message about exactly this field, or null.</summary>
    public string? this[string field] =>
        _failures.FirstOrDefault(f => string.Equals(f.Field, field, StringComparison.Ordinal))?.Message;

    public bool Has(string field) => this[field] is not null;

    /// <summary>
    /// The first message about this field or any field under it (<c>subnet_ids</c> covers <c>subnet_ids[1]</c>).
    /// </summary>
    public string? Under(string field) =>
        _failures.FirstOrDefault(f => f.Field is { } named && Covers(field, named))?.Message;

    /// <summary>These failures and then those of <paramref name="other"/>.</summary>
    public FieldErrors With(FieldErrors other) =>
        other.IsEmpty ? this : new FieldErrors([.. _failures, .. other._failures]);

    /// <summary>
    /// Leaves out "is required" until the person has tried to go on: an empty new form is not an error.
    /// </summary>
    public FieldErrors WithoutMissing() =>
        new(_failures.Where(f => f.Code != ErrorCodes.FieldRequired).ToList());

    /// <summary>The failures whose field is one of <paramref name="fields"/> or lies under one of them.</summary>
    public FieldErrors Only(IEnumerable<string> fields)
    {
        var list = fields.ToList();
        return new FieldErrors(_failures
            .Where(f => f.Field is { } field && list.Any(prefix => Covers(prefix, field)))
            .ToList());
    }

    /// <summary>
    /// The failures not about any of <paramref name="fields"/>: shown above the form, not beside an input.
    /// </summary>
    public IEnumerable<Failure> Except(IEnumerable<string> fields)
    {
        var list = fields.ToList();
        return _failures.Where(f =>
            f.Field is null || !list.Any(field => string.Equals(field, f.Field, StringComparison.Ordinal)));
    }

    private static bool Covers(string prefix, string field) =>
        field == prefix || field.StartsWith(prefix + ".", StringComparison.Ordinal)
        || field.StartsWith(prefix + "[", StringComparison.Ordinal);
}
