using System.Globalization;
using System.Text.RegularExpressions;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Tenancy.AccessKeys;

/// <summary>
/// What an <c>Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…</c> header says.
/// The signed header names are the client's own choice (the SDKs differ), so they are taken as given.
/// </summary>
public sealed partial record SignatureHeader(string AccessKeyId, IReadOnlyList<string> SignedHeaders, string Signature)
{
    /// <summary>Reads the header; null when it is not a well-formed SDK-HMAC-SHA256 header.</summary>
    public static SignatureHeader? Parse(string? authorization)
    {
        var prefix = SdkHmacSha256.Algorithm + " ";
        if (authorization is null || authorization.Length > 4096
            || !authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in authorization[prefix.Length..].Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !parts.TryAdd(part[..equals], part[(equals + 1)..]))
            {
                return null;
            }
        }

        if (parts.Count != 3
            || !parts.TryGetValue("Access", out var access) || !AccessKeyIdPattern().IsMatch(access)
            || !parts.TryGetValue("SignedHeaders", out var signed)
            || !parts.TryGetValue("Signature", out var signature) || !SignaturePattern().IsMatch(signature))
        {
            return null;
        }

        var names = signed.Split(';');
        return names.All(n => HeaderNamePattern().IsMatch(n)) && names.Distinct(StringComparer.Ordinal).Count() == names.Length
            ? new SignatureHeader(access, names, signature)
            : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9]{1,128}\z")]
    private static partial Regex AccessKeyIdPattern();

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex SignaturePattern();

    [GeneratedRegex(@"^[a-z0-9!#$%&'*+.^_`|~-]{1,128}\z")]
    private static partial Regex HeaderNamePattern();
}

/// <summary>
/// Checks a signed request against a secret: the date must be within 15 minutes of the server's
/// clock, and the signature must be the one the secret gives, compared in constant time.
/// </summary>
public static class RequestSignature
{
    /// <summary>How far the client's <c>X-Sdk-Date</c> may be from the server's clock, either way.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    public static Failure Malformed { get; } = new(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
        "Incorrect IAM authentication information: verify aksk signature fail (the Authorization header must read " +
        "'SDK-HMAC-SHA256 Access=<access key>, SignedHeaders=<lowercase names joined by ;>, " +
        "Signature=<64 lowercase hex digits>').");

    public static Failure Mismatch { get; } = new(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
        "Incorrect IAM authentication information: verify aksk signature fail (an unknown or disabled access key, " +
        "or a signature that does not match the request).");

    public static Failure MissingDate { get; } = new(FailureKind.Unauthorized, ErrorCodes.Unauthenticated,
        "Incorrect IAM authentication information: verify aksk signature fail (the X-Sdk-Date header is required, " +
        "in UTC as yyyyMMddTHHmmssZ, e.g. 20191115T033655Z).");

    /// <summary>Reads <c>X-Sdk-Date</c> and refuses it when it is missing, malformed or too far from now.</summary>
    public static Failure? CheckDate(string? sdkDate, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParseExact(sdkDate, SdkHmacSha256.DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return MissingDate;
        }

        if ((now - signedAt).Duration() <= MaxClockSkew)
        {
            return null;
        }

        return new Failure(FailureKind.Unauthorized, ErrorCodes.SignatureExpired,
            $"signature expired, signature time:{sdkDate}, server time:" +
            $"{now.UtcDateTime.ToString(SdkHmacSha256.DateFormat, CultureInfo.InvariantCulture)} " +
            $"(X-Sdk-Date must be within {MaxClockSkew.TotalMinutes:0} minutes of the server's clock).");
    }

    /// <summary>Whether the header's signature is the one <paramref name="secret"/> gives for the request.</summary>
    public static bool Matches(SignedRequest request, SignatureHeader header, string sdkDate, string secret)
    {
        var canonical = SdkHmacSha256.CanonicalRequest(request, header.SignedHeaders);
        var expected = SdkHmacSha256.Signature(secret, SdkHmacSha256.StringToSign(sdkDate, canonical));
        return SdkHmacSha256.SameSignature(expected, header.Signature);
    }
}
