using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;

namespace Deskpool.WebConsole.Access;

/// <summary>
/// Single-use tickets that carry a checked sign-in from the interactive page to the endpoint that
/// sets the cookie. A ticket holds 256 random bits, lives one minute and works once, and only at the
/// door it was issued for: a portal sign-in cannot be redeemed as a console sign-in, nor the reverse.
/// </summary>
internal sealed class SignInTickets(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, DateTimeOffset ExpiresAt)> _tickets =
        new();

    public string Issue(ClaimsPrincipal principal)
    {
        var now = time.GetUtcNow();
        foreach (var (key, value) in _tickets)
        {
            if (value.ExpiresAt <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _tickets[ticket] = (principal, now + Lifetime);
        return ticket;
    }

    /// <summary>The principal the ticket carries, if it is still good and was issued for <paramref name="scheme"/>.</summary>
    public ClaimsPrincipal? Redeem(string ticket, string scheme) =>
        _tickets.TryRemove(ticket, out var entry) && entry.ExpiresAt > time.GetUtcNow()
            && entry.Principal.Identity?.AuthenticationType == scheme
            ? entry.Principal
            : null;
}
