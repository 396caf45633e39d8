using System.Globalization;
using System.Threading.RateLimiting;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Core.Validation;
using Deskpool.Server.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Security;

/// <summary>
/// Abuse limits on top of ASP.NET Core's rate limiter: end-user sign-in, password change and
/// activation per client address, and the administrator API per credential. A refused request is
/// answered 429 with Retry-After and the API's error body. Counts live in each node's memory, so
/// behind a balancer of N nodes a client may get up to N times the limit.
/// </summary>
internal static class RateLimits
{
    public const string SignInPolicy = "deskpool-sign-in";
    public const string AdminApiPolicy = "deskpool-admin-api";

    public static IServiceCollection AddDeskpoolRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<UserNameLimits>();
        services.AddSingleton<FailedCredentialLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((limiter, security) =>
        {
            limiter.AddPolicy(SignInPolicy, http =>
                Partition("address:" + ClientAddress(http), security.Value.SignInPerAddress));
            limiter.AddPolicy(AdminApiPolicy, http =>
                Partition(CallerKey(http), security.Value.AdminApiPerCredential));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>A fixed window per key; a limit of 0 leaves the key unlimited.</summary>
    public static RateLimitPartition<string> Partition(string key, RateLimit limit) => limit.PermitLimit <= 0
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });

    /// <summary>
    /// Whom an administrator request counts against: its access key, else its token (by digest, so
    /// no token is kept in memory), else its address.
    /// </summary>
    private static string CallerKey(HttpContext http)
    {
        if (RequestCredentials.IsSigned(http.Request))
        {
            var header = SignatureHeader.Parse(http.Request.Headers.Authorization.ToString());
            return header is null ? "address:" + ClientAddress(http) : "access-key:" + header.AccessKeyId;
        }

        var token = http.Request.Headers[RequestCredentials.TokenHeader].ToString();
        return token.Length is > 0 and <= ProjectService.MaxTokenLength
            ? "token:" + Tokens.Digest(token)
            : "address:" + ClientAddress(http);
    }

    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>How long a refused lease says to wait (a second when it does not say).</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var seconds = ApiErrors.RetryAfterSeconds(RetryAfter(rejected.Lease));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = http.Request.Path.StartsWithSegments("/v2/end-user")
            ? "Too many sign-in, password or activation requests from this address"
            : "Too many requests with this credential";
        await ApiErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyAttempts,
            $"{what}; try again in {seconds} s.");
    }
}

/// <summary>
/// One limit counted per key, for checks the rate limiter's middleware cannot make (it sees neither
/// the body nor the outcome of a request): the answer is the 429 failure, or null while under it.
/// </summary>
internal sealed class KeyedLimit(RateLimit limit) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        key => RateLimits.Partition(key, limit), StringComparer.Ordinal);

    /// <summary>Takes one permit for the key; <paramref name="what"/> says what was limited when none is left.</summary>
    public Failure? Take(string key, string what, string? field = null)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = RateLimits.RetryAfter(lease);
        return new Failure(FailureKind.TooManyAttempts, ErrorCodes.TooManyAttempts,
            $"{what}; try again in {ApiErrors.RetryAfterSeconds(wait)} s.", field)
        { RetryAfter = wait };
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Sign-in and password changes per project and user name. The name is in the body, which the rate
/// limiter's middleware does not read, so the handlers ask this limiter once they have the body.
/// </summary>
internal sealed class UserNameLimits(IOptions<SecurityOptions> security) : IDisposable
{
    private readonly KeyedLimit _limit = new(security.Value.SignInPerUser);

    /// <summary>Takes one attempt for the user; the failure to answer with when there is none left.</summary>
    public Failure? Refuse(string? projectId, string? userName)
    {
        if (string.IsNullOrEmpty(projectId) || string.IsNullOrEmpty(userName))
        {
            return null;
        }

        // The account's own key (NFKC, case-folded): every spelling that reaches one account shares
        // its count. A name far longer than any real one still costs only a digest's room in memory.
        var key = $"{projectId}/{Core.Users.UserRules.Key(userName)}";
        return _limit.Take(key.Length > 200 ? Tokens.Digest(key) : key,
            $"Too many sign-in or password requests for user '{userName}'", "user_name");
    }

    public void Dispose() => _limit.Dispose();
}

/// <summary>
/// Administrator requests whose credential was refused, per client address. Counting only refusals
/// leaves callers with a valid credential alone, and a caller who tries token after token (each of
/// which would have a bucket of its own in the per-credential limit) is stopped here.
/// </summary>
internal sealed class FailedCredentialLimits(IOptions<SecurityOptions> security) : IDisposable
{
    private readonly KeyedLimit _limit = new(security.Value.FailedCredentialsPerAddress);

    /// <summary>Counts one refusal for the caller's address; the 429 to answer instead when there is none left.</summary>
    public Failure? Refuse(HttpContext http) => _limit.Take(RateLimits.ClientAddress(http),
        "Too many requests with a missing or refused credential from this address");

    public void Dispose() => _limit.Dispose();
}
