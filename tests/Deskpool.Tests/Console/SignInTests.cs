using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>Signing in with a project id and token, the session cookie, and what a read-only token may do.</summary>
[Collection(ConsoleTestCollection.Name)]
public sealed class SignInTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task SignIn_WithProjectAndToken_OpensThePoolList_WithAStrictHttpOnlyCookie()
    {
        var page = await console.SignedInPageAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Desktop pools" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-project")).ToContainTextAsync("project-a");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "deskpool-console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(TestServer.TokenA, cookie.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithAWrongTokenOrAnotherProjectsToken_SaysWhichFieldIsWrong()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/console/sign-in");

        await FillAsync(page, "Project id", TestServer.ProjectA);
        await FillAsync(page, "API token", "not-a-token");
        await ClickAsync(page, "Sign in");
        await Expect(page.GetByText("Incorrect IAM authentication information: the token is not valid.")).ToBeVisibleAsync();

        await FillAsync(page, "API token", TestServer.TokenB);
        await ClickAsync(page, "Sign in");
        await Expect(page.GetByText($"The token is not valid for project {TestServer.ProjectA}.")).ToBeVisibleAsync();
        Assert.EndsWith("/console/sign-in", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_WithoutSignIn_SendsToTheSignInPage_ThenBack_AndSignOutEndsTheSession()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/console/pools");
        await page.WaitForURLAsync("**/console/sign-in**");

        await FillAsync(page, "Project id", TestServer.ProjectA);
        await FillAsync(page, "API token", TestServer.TokenA);
        await ClickAsync(page, "Sign in");
        await page.WaitForURLAsync("**/console/pools");
        await page.GotoAsync("/console/sign-in?ReturnUrl=%2Fconsole%2Fusers");
        await FillAsync(page, "Project id", TestServer.ProjectA);
        await FillAsync(page, "API token", TestServer.TokenA);
        await ClickAsync(page, "Sign in");
        await page.WaitForURLAsync("**/console/users");
        await ClickAsync(page, "Sign out");
        await page.WaitForURLAsync("**/console/sign-in**");
        await page.GotoAsync("/console/users");
        await page.WaitForURLAsync("**/console/sign-in**");
    }

    [Fact]
    public async Task SignIn_WorksWithTheKeyboardAlone()
    {
        var page = await console.NewPageAsync();
        await page.GotoAsync("/console/sign-in");

        await Expect(page.GetByLabel("Project id")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(TestServer.ProjectA);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("API token")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(TestServer.TokenA);
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/console/pools");
    }

    [Fact]
    public async Task ReadOnlyToken_SeesEverything_ButCannotChangeAnything()
    {
        var job = await console.Client.CreatePoolAsync(Wire.PoolRequest("read-only-pool", 1));
        await console.Client.WaitForJobAsync(job);
        var page = await console.SignedInPageAsync(TestServer.ProjectA, TestServer.ReadOnlyTokenA);

        await Expect(page.GetByText("Read-only token")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "read-only-pool" }).ClickAsync();
        await Expect(page.GetByTestId("desktops").GetByTestId("desktop-state")).ToHaveTextAsync(["ACTIVE"]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete pool" })).ToBeDisabledAsync();

        await page.GotoAsync("/console/purchase");
        await Expect(page.GetByText("You are signed in with a read-only token")).ToBeVisibleAsync();
        await page.GotoAsync("/console/naming-rules");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Create rule" })).ToBeDisabledAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
