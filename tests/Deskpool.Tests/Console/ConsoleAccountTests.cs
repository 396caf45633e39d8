using System.Security.Claims;
using Deskpool.WebConsole.Access;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Console;

/// <summary>The pieces of signing in that need no browser: where a sign-in may return to, and the tickets.</summary>
public sealed class ConsoleAccountTests
{
    [Theory]
    [InlineData("/console/pools", true)]
    [InlineData("/console/pools/01a2?job=3", true)]
    [InlineData("/console", false)]
    [InlineData("/v2/aaaa/desktop-pools", false)]
    [InlineData("//evil.example/console/pools", false)]
    [InlineData("/console//evil.example", false)]
    [InlineData("/console/\\evil.example", false)]
    [InlineData("https://evil.example/console/pools", false)]
    [InlineData(null, false)]
    public void ReturnUrl_IsOnlyEverAConsolePage(string? url, bool allowed) =>
        Assert.Equal(allowed, ConsoleAccount.IsConsolePage(url));

    [Fact]
    public void Ticket_WorksOnce_AndNotAfterAMinute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var tickets = new SignInTickets(time);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "project-a")], "test"));

        var once = tickets.Issue(principal);
        Assert.Same(principal, tickets.Redeem(once));
        Assert.Null(tickets.Redeem(once));

        var late = tickets.Issue(principal);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(tickets.Redeem(late));
        Assert.Null(tickets.Redeem("0000"));
    }
}
