using System.Security.Cryptography;
using System.Text;

namespace Deskpool.Core.Tenancy.AccessKeys;

/// <summary>
/// The SDK-HMAC-SHA256 scheme that the Workspace SDKs sign requests with: a canonical form of the
/// request, a string to sign bound to the request's date, and an HMAC of it keyed with the secret.
/// Pure functions, so that the published test vectors check them directly.
/// </summary>
public static class SdkHmacSha256
{
    public const string Algorithm = "SDK-HMAC-SHA256";

    /// <summary>The header carrying the signing instant, <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    public const string DateHeader = "X-Sdk-Date";

    /// <summary>A header whose value, when present, stands in for the body's hash (e.g. <c>UNSIGNED-PAYLOAD</c>).</summary>
    public const string ContentHashHeader = "X-Sdk-Content-Sha256";

    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The hash of an empty body.</summary>
    public static readonly string EmptyPayloadHash = PayloadHash([]);

    /// <summary>
    /// Percent-encodes everything but the unreserved characters (<c>A-Z a-z 0-9 - _ . ~</c>), as
    /// uppercase hex of the UTF-8 bytes; a space becomes <c>%20</c>, never <c>+</c>.
    /// </summary>
    public static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (IsUnreserved(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return text.ToString();
    }

    /// <summary>The decoded path, each segment encoded again, always ending in <c>/</c>.</summary>
    public static string CanonicalUri(string decodedPath)
    {
        var encoded = string.Join('/', decodedPath.Split('/').Select(Encode));
        return encoded.EndsWith('/') ? encoded : encoded + "/";
    }

    /// <summary>Decoded parameters sorted by key, the values of a repeated key sorted too, joined by <c>&amp;</c>.</summary>
    public static string CanonicalQueryString(IEnumerable<KeyValuePair<string, string>> parameters) => string.Join('&',
        parameters
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{Encode(p.Key)}={Encode(p.Value)}"));

    /// <summary>
    /// The canonical request: method, URI, query, one <c>name:value</c> line per signed header value,
    /// the signed header names, and the payload hash, each on its own line.
    /// </summary>
    public static string CanonicalRequest(SignedRequest request, IReadOnlyList<string> signedHeaders)
    {
        var text = new StringBuilder();
        text.Append(request.Method.ToUpperInvariant()).Append('\n');
        text.Append(CanonicalUri(request.Path)).Append('\n');
        text.Append(CanonicalQueryString(request.Query)).Append('\n');
        foreach (var name in signedHeaders)
        {
            var values = request.Headers.TryGetValue(name, out var found) ? found : [];
            foreach (var value in values.Select(v => v.Trim()).Order(StringComparer.Ordinal))
            {
                text.Append(name).Append(':').Append(value).Append('\n');
            }
        }

        text.Append('\n');
        text.Append(string.Join(';', signedHeaders)).Append('\n');
        text.Append(request.PayloadHash);
        return text.ToString();
    }

    public static string StringToSign(string sdkDate, string canonicalRequest) =>
        $"{Algorithm}\n{sdkDate}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>Lowercase hex of HMAC-SHA256 keyed with the UTF-8 bytes of the secret.</summary>
    public static string Signature(string secret, string stringToSign) =>
        Hex(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));

    public static string PayloadHash(ReadOnlySpan<byte> body) => Hex(SHA256.HashData(body));

    /// <summary>Compares two signatures in time that does not depend on where they first differ.</summary>
    public static bool SameSignature(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>
/// A request as the verifier sees it: the decoded path and query, the headers by lowercase name,
/// and the payload hash (of the raw body, or the value of <c>X-Sdk-Content-Sha256</c>).
/// </summary>
public sealed record SignedRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    string PayloadHash);
