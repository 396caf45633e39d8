using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deskpool.Tests.Api;
using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>
/// The end users' portal in a browser: activating from the mailed link, the password rule as it is typed,
/// signing in with the broker's refusals, connecting, "being prepared", leaving, and the wall between the
/// portal's sign-in and the console's.
/// </summary>
[Collection(ConsoleTestCollection.Name)]
public sealed partial class PortalTests(PortalTests.Fixture console) : IClassFixture<PortalTests.Fixture>
{
    private const string Password = "Mei!2026desk";

    /// <summary>A console server whose mails go to a real SMTP server on loopback, where the tests read them.</summary>
    public sealed class Fixture : ConsoleFixture
    {
        public SmtpTestServer Smtp { get; private set; } = null!;

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(Smtp.Settings)
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:01",
            ["Deskpool:Broker:PreparingRetryAfter"] = "00:00:02",
        };

        public override async Task InitializeAsync()
        {
            Smtp = await SmtpTestServer.StartAsync();
            await base.InitializeAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            await Smtp.DisposeAsync();
        }
    }

    [GeneratedRegex(@"http://\S+/portal/activate#token=\S+")]
    private static partial Regex ActivationLink();

    [GeneratedRegex(@"Web portal:\s+(\S+)")]
    private static partial Regex PortalLink();

    [Fact]
    public async Task EndUser_ActivatesFromTheMailedLink_SignsIn_Connects_AndDisconnects()
    {
        var poolId = await console.Client.ReadyPoolAsync(Wire.PoolRequest("portal-pool", 1));
        var userId = await CreateSelfActivatingAsync("mei.lin");
        await console.Client.AuthorizeAsync(poolId, [(userId, "mei.lin")]);
        var mail = (await console.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains("mei.lin@example.com")))[0];
        var link = new Uri(ActivationLink().Match(mail.Message.TextBody ?? "").Value);
        var page = await console.NewPageAsync();

        // The mail's link, opened on this server (the address in the mail is the configured public one).
        await page.GotoAsync(link.PathAndQuery + link.Fragment);
        await Expect(page.GetByTestId("activation-account")).ToContainTextAsync("mei.lin");
        await page.GetByLabel("New password").PressSequentiallyAsync("mei");
        await Expect(page.GetByText("password must be 8 to 32 characters long (got 3).")).ToBeVisibleAsync();
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("meilin2026");
        await Expect(page.GetByText("password must contain at least three of")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "portal-activate");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Password);
        await Expect(page.GetByText("The password meets the rules.")).ToBeVisibleAsync();
        await page.GetByLabel("Repeat the password").FillAsync(Password);
        await ClickAsync(page, "Set password");
        await Expect(page.GetByTestId("activation-done")).ToBeVisibleAsync();
        var ready = (await console.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains("mei.lin@example.com"), count: 2))
            .Single(m => (m.Message.Subject ?? "").Contains("portal-pool", StringComparison.Ordinal)).Message;
        var portal = new Uri(PortalLink().Match(ready.TextBody ?? "").Groups[1].Value);
        Assert.Equal(portal.PathAndQuery,
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).GetAttributeAsync("href"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByLabel("Project id")).ToHaveValueAsync(TestServer.ProjectA);
        await Expect(page.GetByLabel("Username")).ToHaveValueAsync("mei.lin");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/portal");
        await Expect(page.GetByTestId("my-pools")).ToContainTextAsync("portal-pool");

        await page.GetByRole(AriaRole.Link, new() { Name = "Connect to portal-pool" }).ClickAsync();
        var desktop = (await console.Client.DesktopsAsync(poolId)).Single();
        await Expect(page.GetByTestId("protocol")).ToHaveTextAsync("RDP");
        await Expect(page.GetByTestId("address")).ToHaveTextAsync(desktop.GetProperty("ipv4").GetString()!);
        await Expect(page.GetByTestId("port")).ToHaveTextAsync("3389");
        await Expect(page.GetByTestId("ticket")).ToContainTextAsync("dkp_");
        await ScreenshotAsync(page, "portal-connect");

        await ClickAsync(page, "Disconnect");
        await Expect(page.GetByTestId("left-desktop")).ToContainTextAsync("Your desktop is kept for you until");
        await page.GetByRole(AriaRole.Link, new() { Name = "My desktops" }).ClickAsync();
        await Expect(page.GetByTestId("session-state")).ToContainTextAsync("disconnected; kept for you until");
        await ScreenshotAsync(page, "portal-desktops");
    }

    [Fact]
    public async Task SignIn_Refused_ShowsTheBrokersOwnMessage_BesideTheForm()
    {
        await console.Client.CreateAsync("ren.ito");
        await CreateSelfActivatingAsync("not.yet");
        var lockedId = await console.Client.CreateAsync("kept.out");
        await console.Client.PostJsonAsync(Wire.Path($"users/{lockedId}/actions"), new { op_type = "LOCK" });
        var page = await console.NewPageAsync();
        await page.GotoAsync($"/portal/sign-in?project={TestServer.ProjectA}");

        await ClickAsync(page, "Sign in");
        await Expect(page.GetByText("user_name is required.")).ToBeVisibleAsync();
        await Expect(page.GetByText("password is required.")).ToBeVisibleAsync();

        await page.GetByLabel("Username").FillAsync("ren.ito");
        await page.GetByLabel("Password").FillAsync("Wr0ng!pass");
        await ClickAsync(page, "Sign in");
        await Expect(page.GetByTestId("sign-in-refusal")).ToHaveTextAsync("The username or password is wrong.");
        await ScreenshotAsync(page, "portal-sign-in-refused");

        await page.GetByLabel("Username").FillAsync("not.yet");
        await ClickAsync(page, "Sign in");
        await Expect(page.GetByTestId("sign-in-refusal")).ToContainTextAsync("The account is not activated yet");

        await page.GetByLabel("Username").FillAsync("kept.out");
        await page.GetByLabel("Password").FillAsync(EndUsers.Password);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("sign-in-refusal")).ToContainTextAsync("The account is locked");
        Assert.EndsWith("/portal/sign-in?project=" + TestServer.ProjectA, page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdministratorSetPassword_IsReplacedInThePortal_ByTheCoresRule_ThenSignsIn()
    {
        var (created, body) = await console.Client.PostJsonAsync(Wire.Path("users"), new JsonObject
        {
            ["user_name"] = "ops.admin",
            ["active_type"] = "ADMIN_ACTIVATE",
            ["password"] = "Ops!2026desk",
            ["next_login_change_password"] = true,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"Create user failed: {body}");
        var page = await console.NewPageAsync();
        await page.GotoAsync($"/portal/sign-in?project={TestServer.ProjectA}&user=ops.admin");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Ops!2026desk");
        await ClickAsync(page, "Sign in");
        await Expect(page.GetByTestId("sign-in-refusal")).ToContainTextAsync("The administrator set this password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("short");
        await Expect(page.GetByText("new_password must be 8 to 32 characters long (got 5).")).ToBeVisibleAsync();
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("Ops!2026desk");
        await page.GetByLabel("Repeat the new password").FillAsync("Ops!2026desk");
        await ClickAsync(page, "Change password and sign in");
        await Expect(page.GetByText("new_password must differ from the current password.")).ToBeVisibleAsync();
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("My0wn!desk");
        await page.GetByLabel("Repeat the new password").FillAsync("My0wn!desk");
        await ClickAsync(page, "Change password and sign in");

        await page.WaitForURLAsync("**/portal");
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("ops.admin");
    }

    [Fact]
    public async Task Connect_WhenNoDesktopIsReadyYet_SaysBeingPrepared_AndRetriesByItself()
    {
        var request = Wire.PoolRequest("on-access-pool", 0);
        request["enable_autoscale"] = true;
        request["autoscale_policy"] = new JsonObject { ["autoscale_type"] = "ACCESS_CREATED", ["max_auto_created"] = 2 };
        await console.Client.CreatePoolAsync(request);
        var poolId = (await console.Client.PoolByNameAsync("on-access-pool")).GetProperty("id").GetString()!;
        var userId = await console.Client.CreateAsync("ada.moss");
        await console.Client.AuthorizeAsync(poolId, [(userId, "ada.moss")]);
        var page = await console.NewPageAsync();
        await PortalSignInAsync(page, "ada.moss", EndUsers.Password);

        await page.GetByRole(AriaRole.Link, new() { Name = "Connect to on-access-pool" }).ClickAsync();

        await Expect(page.GetByTestId("preparing")).ToContainTextAsync("is being prepared");
        await Expect(page.GetByTestId("preparing")).ToContainTextAsync("Trying again in");
        await ScreenshotAsync(page, "portal-preparing");
        await Expect(page.GetByTestId("protocol")).ToHaveTextAsync("RDP", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task PortalAndConsole_SignInsAreKeptApart()
    {
        var userId = await console.Client.CreateAsync("sam.wu");
        var endUser = await console.NewPageAsync();
        await PortalSignInAsync(endUser, "sam.wu", EndUsers.Password);
        Assert.DoesNotContain(userId, string.Join(";", (await endUser.Context.CookiesAsync()).Select(c => c.Value)),
            StringComparison.Ordinal);
        var cookie = Assert.Single(await endUser.Context.CookiesAsync(), c => c.Name == "deskpool-portal");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await endUser.GotoAsync("/console/pools");
        await endUser.WaitForURLAsync("**/console/sign-in**");
        await endUser.GotoAsync("/console/users");
        await endUser.WaitForURLAsync("**/console/sign-in**");

        var admin = await console.SignedInPageAsync();
        await admin.GotoAsync("/portal");
        await admin.WaitForURLAsync("**/portal/sign-in**");

        await endUser.GotoAsync("/portal");
        await ClickAsync(endUser, "Sign out");
        await endUser.WaitForURLAsync("**/portal/sign-in**");
        await endUser.GotoAsync("/portal");
        await endUser.WaitForURLAsync("**/portal/sign-in**");
    }

    [Fact]
    public async Task PoolPage_ShowsWhoHoldsEachDesktop_TheScalingDecisions_AndUnassigns()
    {
        var request = Wire.PoolRequest("held-pool", 1);
        request["enable_autoscale"] = true;
        request["autoscale_policy"] = new JsonObject
        {
            ["autoscale_type"] = "AUTO_CREATED", ["min_idle"] = 1, ["once_auto_created"] = 1, ["max_auto_created"] = 2,
        };
        var poolId = await console.Client.ReadyPoolAsync(request);
        var userId = await console.Client.CreateAsync("lee.park");
        await console.Client.AuthorizeAsync(poolId, [(userId, "lee.park")]);
        using var endUser = await SignInOverRestAsync("lee.park");
        var (connected, connect) = await endUser.PostJsonAsync($"/v2/end-user/pools/{poolId}/connect", null);
        Assert.True(connected.StatusCode == HttpStatusCode.OK, $"Connect was {(int)connected.StatusCode}: {connect}");
        var held = connect.GetProperty("desktop").GetProperty("computer_name").GetString()!;
        await endUser.PostJsonAsync($"/v2/end-user/pools/{poolId}/disconnect", null);
        var page = await console.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "held-pool" }).ClickAsync();

        var row = page.GetByTestId("desktops").GetByRole(AriaRole.Row).Filter(new() { HasText = held });
        await Expect(row.GetByTestId("desktop-binding")).ToContainTextAsync("lee.park (disconnected)");
        await Expect(row.GetByTestId("release-at")).ToContainTextAsync("kept until");
        var decisions = page.GetByTestId("scaling-decision");
        await Expect(decisions.First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("scaling-decisions")).ToContainTextAsync("bind");
        await ScreenshotAsync(page, "pool-detail-bindings");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Unassign {held} from lee.park" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Unassign" }).ClickAsync();
        await Expect(row.GetByTestId("desktop-binding")).ToHaveTextAsync("not bound");
    }

    private async Task<string> CreateSelfActivatingAsync(string name)
    {
        var (response, body) = await console.Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.SelfUser(name));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Create user failed: {(int)response.StatusCode} {body}");
        return body.GetProperty("id").GetString()!;
    }

    private async Task<HttpClient> SignInOverRestAsync(string name)
    {
        var client = new HttpClient { BaseAddress = console.Address };
        var (response, body) = await client.PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = name, password = EndUsers.Password });
        Assert.True(response.IsSuccessStatusCode, $"Sign-in of {name} failed: {(int)response.StatusCode} {body}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return client;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
