using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deskpool.Tests.Support;

/// <summary>
/// A client-side SDK-HMAC-SHA256 signer written from the scheme, independently of the server's
/// verifier, as an SDK would sign: it hashes the body, signs <c>host</c>, <c>x-sdk-date</c> and any
/// extra headers named, and writes the Authorization header. Tests change the request after signing
/// (<see cref="AfterSigning"/>) to check what the server refuses.
/// </summary>
public sealed class SdkSigner(string accessKey, string secret, Func<DateTimeOffset> clock) : DelegatingHandler
{
    public string AccessKey { get; set; } = accessKey;

    public string Secret { get; set; } = secret;

    /// <summary>Extra headers, lowercase, to sign besides host and x-sdk-date.</summary>
    public List<string> AlsoSign { get; } = [];

    /// <summary>Sent as X-Sdk-Content-Sha256 and used instead of the body's hash (UNSIGNED-PAYLOAD, say).</summary>
    public string? DeclaredPayloadHash { get; set; }

    public bool SendDate { get; set; } = true;

    public Func<HttpRequestMessage, Task>? AfterSigning { get; set; }

    public static string Escape(string value) => Uri.EscapeDataString(value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var date = clock().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.Add("X-Sdk-Date", date);
        if (DeclaredPayloadHash is not null)
        {
            request.Headers.Add("X-Sdk-Content-Sha256", DeclaredPayloadHash);
        }

        var signed = new[] { "host", "x-sdk-date" }.Concat(AlsoSign).Order(StringComparer.Ordinal).ToList();
        var lines = new StringBuilder();
        lines.Append(request.Method.Method).Append('\n');
        lines.Append(CanonicalPath(uri.AbsolutePath)).Append('\n');
        lines.Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var name in signed)
        {
            var value = name == "host" ? request.Headers.Host : string.Join(",", request.Headers.GetValues(name));
            lines.Append(name).Append(':').Append(value!.Trim()).Append('\n');
        }

        lines.Append('\n').Append(string.Join(';', signed)).Append('\n');
        lines.Append(DeclaredPayloadHash ?? Hex(SHA256.HashData(body)));

        var toSign = $"SDK-HMAC-SHA256\n{date}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())))}";
        var signature = Hex(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"SDK-HMAC-SHA256 Access={AccessKey}, SignedHeaders={string.Join(';', signed)}, Signature={signature}");
        if (!SendDate)
        {
            request.Headers.Remove("X-Sdk-Date");
        }

        if (AfterSigning is not null)
        {
            await AfterSigning(request);
        }

        return await base.SendAsync(request, cancellationToken);
    }

    private static string CanonicalPath(string escapedPath)
    {
        var segments = Uri.UnescapeDataString(escapedPath).Split('/').Select(Escape);
        var path = string.Join('/', segments);
        return path.EndsWith('/') ? path : path + "/";
    }

    private static string CanonicalQuery(string query)
    {
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var parts = p.Split('=', 2);
            string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
            return (Key: Decode(parts[0]), Value: parts.Length > 1 ? Decode(parts[1]) : "");
        });
        return string.Join('&', pairs
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{Escape(p.Key)}={Escape(p.Value)}"));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
