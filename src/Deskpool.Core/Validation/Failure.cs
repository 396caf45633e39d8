namespace Deskpool.Core.Validation;

/// <summary>What kind of refusal a failure is; the doors map each kind to their own status.</summary>
public enum FailureKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,

    /// <summary>Nothing wrong with the request, but it cannot be served now; <see cref="Failure.RetryAfter"/> says when to try again.</summary>
    Unavailable,

    /// <summary>Too many attempts; <see cref="Failure.RetryAfter"/> says when the next one is accepted.</summary>
    TooManyAttempts,
}

/// <summary>An expected refusal of a request, with a stable code and a message naming the field and rule.</summary>
public sealed record Failure(FailureKind Kind, string Code, string Message, string? Field = null)
{
    /// <summary>Further failures found in the same request, after the first.</summary>
    public IReadOnlyList<Failure> Others { get; init; } = [];

    /// <summary>When the client may try again, for refusals that pass with time.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static Failure Invalid(string code, string field, string message) =>
        new(FailureKind.Invalid, code, message, field);

    public static Failure NotFound(string code, string message) => new(FailureKind.NotFound, code, message);

    public static Failure Conflict(string code, string message, string? field = null) =>
        new(FailureKind.Conflict, code, message, field);

    public static Failure Forbidden(string code, string message) => new(FailureKind.Forbidden, code, message);

    public static Failure Unavailable(string code, string message, TimeSpan? retryAfter = null) =>
        new(FailureKind.Unavailable, code, message) { RetryAfter = retryAfter };
}

/// <summary>Thrown only to unwind from deep inside a use case; the doors turn it back into its failure.</summary>
public sealed class FailureException(Failure failure) : Exception(failure.Message)
{
    public Failure Failure { get; } = failure;
}
