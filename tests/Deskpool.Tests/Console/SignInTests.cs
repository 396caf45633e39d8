using Microsoft.Playwright;

namespace Deskpool.Tests.Console;

public sealed class SignInTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task SignIn_WithProjectAndToken_OpensThePoolList()
    {
        var page = await console.SignedInPageAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Desktop pools" })).ToBeVisibleAsync();
    }
}
