using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>The pool page: live desktop states, failure causes, and the actions on a pool.</summary>
[Collection(ConsoleTestCollection.Name)]
public sealed class PoolDetailTests(PoolDetailTests.Fixture console) : IClassFixture<PoolDetailTests.Fixture>
{
    public sealed class Fixture : ConsoleFixture
    {
        // Windows 11 never boots on this server: its desktops fail, each with a cause.
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:FailingImageIds:0"] = Wire.Windows11Image,
        };
    }

    [Fact]
    public async Task PoolPage_ShowsEachFailedDesktopWithItsCause()
    {
        var request = Wire.PoolRequest("broken-pool", 2).WithText("image_id", Wire.Windows11Image);
        request["product_id"] = Wire.Enterprise;
        await console.Client.CreatePoolAsync(request);
        var page = await console.SignedInPageAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "broken-pool" }).ClickAsync();

        await Expect(page.GetByTestId("desktops").GetByTestId("desktop-state")).ToHaveTextAsync(["ERROR", "ERROR"]);
        await Expect(page.GetByTestId("failed-desktop")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("desktops")).ToContainTextAsync("WKS.");
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("FAIL");
    }

    [Fact]
    public async Task Actions_StopMaintenanceDeleteDesktopsAndPool_TakeEffectWithoutReload()
    {
        var job = await console.Client.CreatePoolAsync(Wire.PoolRequest("action-pool", 2));
        await console.Client.WaitForJobAsync(job);
        var page = await console.SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "action-pool" }).ClickAsync();
        var states = page.GetByTestId("desktops").GetByTestId("desktop-state");
        await Expect(states).ToHaveTextAsync(["ACTIVE", "ACTIVE"]);

        await ClickAsync(page, "Stop");
        await Expect(states).ToHaveTextAsync(["SHUTOFF", "SHUTOFF"], new() { Timeout = 15_000 });

        await page.GetByLabel("Maintenance mode").CheckAsync();
        await Expect(page.GetByText("maintenance", new() { Exact = true })).ToBeVisibleAsync();
        Assert.True((await console.Client.PoolByNameAsync("action-pool")).GetProperty("in_maintenance_mode").GetBoolean());

        await ClickAsync(page, "Delete pool");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete pool" }).ClickAsync();
        await Expect(page.GetByTestId("action-error")).ToContainTextAsync("still has 2 desktop(s)");

        await page.GetByTestId("desktops").GetByRole(AriaRole.Checkbox).First.CheckAsync();
        await ClickAsync(page, "Delete selected desktops");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByTestId("desktops").GetByTestId("desktop-state")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        await ClickAsync(page, "Delete pool");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete pool" }).ClickAsync();
        await page.WaitForURLAsync("**/console/pools");
        var (_, list) = await console.Client.GetJsonAsync(Wire.Path("desktop-pools?name=action-pool"));
        Assert.Equal(0, list.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Expand_AddsDesktops_AndRefusesWhatTheCoreRefuses()
    {
        var job = await console.Client.CreatePoolAsync(Wire.PoolRequest("grow-pool", 1));
        await console.Client.WaitForJobAsync(job);
        var page = await console.SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "grow-pool" }).ClickAsync();

        await ClickAsync(page, "Expand");
        await FillAsync(page, "Desktops to add", "0");
        await ClickAsync(page, "Add desktops");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("size must be between 1 and 1000 (got 0).");
        await FillAsync(page, "Desktops to add", "2");
        await ClickAsync(page, "Add desktops");

        await Expect(page.GetByTestId("desktops").GetByTestId("desktop-state"))
            .ToHaveTextAsync(["ACTIVE", "ACTIVE", "ACTIVE"], new() { Timeout = 15_000 });
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
