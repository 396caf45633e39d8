using System.Security.Claims;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Deskpool.Tests.Support;
using Deskpool.WebConsole.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Console;

/// <summary>
/// The pieces of signing in that need no browser: where a sign-in may return to, the tickets, and which
/// pages the console's and the portal's sign-ins open.
/// </summary>
public sealed class ConsoleAccountTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task ChangesFromTheConsole_NeedAnAdministratorCredentialThatStillExists()
    {
        await using var scope = server.Server.Services.CreateAsyncScope();
        var projects = scope.ServiceProvider.GetRequiredService<ProjectService>();
        var admin = (await projects.FindCredentialAsync(TestServer.TokenA, CancellationToken.None))!;
        var readOnly = (await projects.FindCredentialAsync(TestServer.ReadOnlyTokenA, CancellationToken.None))!;

        Task<Outcome<ApiCredential>> Check(string project, string credentialId) =>
            projects.CheckAdministratorAsync(project, credentialId, CancellationToken.None);

        var allowed = await Check(TestServer.ProjectA, admin.Id);
        var readOnlyRefused = await Check(TestServer.ProjectA, readOnly.Id);
        var otherProject = await Check(TestServer.ProjectB, admin.Id);
        var gone = await Check(TestServer.ProjectA, "no-such-credential");

        Assert.True(allowed.Succeeded);
        Assert.Same(ProjectService.ReadOnlyToken, readOnlyRefused.Failure);
        Assert.Equal(ErrorCodes.ProjectMismatch, otherProject.Failure!.Code);
        Assert.Equal(FailureKind.Unauthorized, gone.Failure!.Kind);
    }

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
        Assert.Same(principal, tickets.Redeem(once, "test"));
        Assert.Null(tickets.Redeem(once, "test"));

        var late = tickets.Issue(principal);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(tickets.Redeem(late, "test"));
        Assert.Null(tickets.Redeem("0000", "test"));
    }

    [Fact]
    public void Ticket_WorksOnlyAtTheDoorItWasIssuedFor()
    {
        var tickets = new SignInTickets(TimeProvider.System);
        var endUser = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "mei")], PortalAccount.Scheme));

        var portalTicket = tickets.Issue(endUser);
        var asConsole = tickets.Redeem(portalTicket, ConsoleAccount.Scheme);
        var retried = tickets.Redeem(portalTicket, PortalAccount.Scheme);

        Assert.Null(asConsole);
        Assert.Null(retried);
        Assert.Same(endUser, tickets.Redeem(tickets.Issue(endUser), PortalAccount.Scheme));
    }

    [Fact]
    public async Task AdministratorPages_RefuseEndUsers_AndPortalPages_RefuseAdministrators_WhateverElseTheBrowserHolds()
    {
        var authorization = server.Server.Services.GetRequiredService<IAuthorizationService>();
        var policies = server.Server.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value;
        var administrator = new ClaimsIdentity(
            [new Claim(ConsoleAccount.ProjectClaim, TestServer.ProjectA), new Claim(ConsoleAccount.CredentialClaim, "c1")],
            ConsoleAccount.Scheme);
        var endUser = new ClaimsIdentity(
            [new Claim(PortalAccount.ProjectClaim, TestServer.ProjectA), new Claim(PortalAccount.SessionClaim, "dkp_x")],
            PortalAccount.Scheme);

        async Task<bool> Allowed(AuthorizationPolicy policy, params ClaimsIdentity[] identities) =>
            (await authorization.AuthorizeAsync(new ClaimsPrincipal(identities), null, policy)).Succeeded;

        var portal = policies.GetPolicy(PortalAccount.Policy)!;
        Assert.False(await Allowed(policies.DefaultPolicy, endUser));
        Assert.True(await Allowed(policies.DefaultPolicy, administrator));
        Assert.False(await Allowed(portal, administrator));
        Assert.True(await Allowed(portal, endUser));
        Assert.True(await Allowed(policies.DefaultPolicy, endUser, administrator));
        Assert.True(await Allowed(portal, administrator, endUser));
    }

    [Theory]
    [InlineData("/portal", true)]
    [InlineData("/portal/pools/01a2", true)]
    [InlineData("/portals", false)]
    [InlineData("/console/pools", false)]
    [InlineData("//evil.example/portal", false)]
    [InlineData("/portal//evil.example", false)]
    [InlineData("https://evil.example/portal", false)]
    [InlineData(null, false)]
    public void ReturnUrl_OfThePortal_IsOnlyEverAPortalPage(string? url, bool allowed) =>
        Assert.Equal(allowed, PortalAccount.IsPortalPage(url));
}
