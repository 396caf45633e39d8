using System.Security.Cryptography;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Core.Validation;
using Microsoft.AspNetCore.Http.Features;

namespace Deskpool.Server.Api;

/// <summary>
/// Turns a request into the API credential it acts with: a request signed with an access key
/// (<c>Authorization: SDK-HMAC-SHA256 …</c>) acts with the key's credential; any other with the
/// credential of its <c>X-Auth-Token</c>. Either must belong to the project the path names.
/// </summary>
internal sealed class RequestCredentials(ProjectService projects, AccessKeyService accessKeys)
{
    public const string TokenHeader = "X-Auth-Token";

    public static bool IsSigned(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(SdkHmacSha256.Algorithm, StringComparison.Ordinal);

    public async Task<Outcome<ApiCredential>> ResolveAsync(HttpContext http, string? projectId)
    {
        if (!IsSigned(http.Request))
        {
            return await projects.CheckCredentialAsync(
                projectId, http.Request.Headers[TokenHeader].ToString(), http.RequestAborted);
        }

        var signed = await SignedRequestAsync(http.Request, http.RequestAborted);
        var credential = await accessKeys.AuthenticateAsync(
            signed, http.Request.Headers.Authorization.ToString(), http.RequestAborted);
        return credential.Succeeded ? ProjectService.Belongs(credential.Value, projectId) : credential;
    }

    /// <summary>
    /// The request as the signer saw it. The path is decoded from the raw target (so an encoded
    /// <c>/</c> splits a segment, as clients decode before signing); the body is hashed as received,
    /// then rewound for the handler, unless <c>X-Sdk-Content-Sha256</c> gives the hash to use.
    /// </summary>
    private static async Task<SignedRequest> SignedRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var rawPath = string.IsNullOrEmpty(rawTarget) || !rawTarget.StartsWith('/')
            ? (request.PathBase + request.Path).ToUriComponent()
            : rawTarget.Split('?', 2)[0];

        var query = request.Query
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")))
            .ToList();
        var headers = request.Headers.ToDictionary(
            h => h.Key.ToLowerInvariant(),
            h => (IReadOnlyList<string>)h.Value.Select(v => v ?? "").ToList(),
            StringComparer.Ordinal);
        var declaredHash = request.Headers[SdkHmacSha256.ContentHashHeader].ToString();
        var payloadHash = declaredHash.Length > 0 ? declaredHash : await HashBodyAsync(request, cancellationToken);
        return new SignedRequest(request.Method, Uri.UnescapeDataString(rawPath), query, headers, payloadHash);
    }

    /// <summary>Hashes the raw body within the route's size limit, keeping it readable for the handler.</summary>
    private static async Task<string> HashBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = ApiSetup.BodyLimit(request.HttpContext);
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new BadHttpRequestException("The request body is over the limit.", StatusCodes.Status413PayloadTooLarge);
            }

            hash.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
