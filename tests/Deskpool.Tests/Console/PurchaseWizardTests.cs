using System.Text.Json.Nodes;
using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>The purchase wizard, driven in a real browser the way an administrator uses it.</summary>
[Collection(ConsoleTestCollection.Name)]
public sealed class PurchaseWizardTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Wizard_BuysTheSamplePool_AndThePoolListShowsItReady()
    {
        await console.Client.PostJsonAsync(Wire.Path("desktop-name-policies"), JsonNode.Parse("""
            {"policy_name":"finance_desktops","name_prefix":"FIN-","digit_number":3,"start_number":1,
             "single_domain_user_inc":0}
            """));
        await console.Client.PostJsonAsync(Wire.Path("users"), JsonNode.Parse(
            """{"user_name":"mei.lin","user_email":"mei.lin@example.com","active_type":"USER_ACTIVATE"}"""));
        var page = await console.SignedInPageAsync();

        await FillBasicsAsync(page, "finance-pool", size: 10);
        await ScreenshotAsync(page, "purchase-1-basic");
        await ClickAsync(page, "Next: Advanced settings");

        await Expect(Step(page, "Advanced settings")).ToBeVisibleAsync();
        await FillNetworkAsync(page);
        await page.GetByLabel("Create desktops automatically").CheckAsync();
        await page.GetByLabel("Pre-create").CheckAsync();
        await FillAsync(page, "Threshold of idle desktops", "5");
        await FillAsync(page, "Desktops per batch", "10");
        await FillAsync(page, "Maximum automatically created", "10");
        await FillAsync(page, "Retention after disconnection (minutes)", "60");
        await ClickAsync(page, "Add tag");
        await FillAsync(page, "Tag 1 key", "department");
        await FillAsync(page, "Tag 1 value", "finance");
        await ClickAsync(page, "Add tag");
        await FillAsync(page, "Tag 2 key", "cost-center");
        await FillAsync(page, "Tag 2 value", "CC-1024");
        await SelectAsync(page, "Naming rule", "finance_desktops");
        await Expect(page.GetByTestId("autoscale-explanation")).ToContainTextAsync("the maximum of 10 is reached");
        await ScreenshotAsync(page, "purchase-2-advanced");
        await ClickAsync(page, "Next: Assign desktops");

        await Expect(Step(page, "Assign desktops")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "mei.lin" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await ClickAsync(page, "Add selected users");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create user group" }).ClickAsync();
        await FillAsync(page, "Group name", "finance");
        await ClickAsync(page, "Create group");
        await Expect(page.GetByTestId("assigned-users")).ToContainTextAsync("mei.lin");
        await Expect(page.GetByTestId("assigned-groups")).ToContainTextAsync("finance");
        var groups = page.GetByTestId("assigned-groups");
        await groups.GetByRole(AriaRole.Row).Filter(new() { HasText = "finance" }).GetByRole(AriaRole.Checkbox).CheckAsync();
        await SelectAsync(page, "Permission group for the selected user groups", "administrators");
        await groups.GetByRole(AriaRole.Button, new() { Name = "Batch setting" }).ClickAsync();
        await ScreenshotAsync(page, "purchase-3-assign");
        await ClickAsync(page, "Next: Confirm");

        await Expect(Step(page, "Confirm")).ToBeVisibleAsync();
        await FillAsync(page, "Pool description", "Pay-per-use dynamic pool from the purchase page example");
        await Expect(page.GetByTestId("purchase-summary")).ToContainTextAsync("finance-pool");
        await ScreenshotAsync(page, "purchase-4-confirm");
        await ClickAsync(page, "Buy now");

        await page.WaitForURLAsync("**/console/pools?job=*");
        var row = page.GetByTestId("pool-list").GetByRole(AriaRole.Row).Filter(new() { HasText = "finance-pool" });
        await Expect(row.GetByTestId("pool-status")).ToHaveTextAsync("ready", new() { Timeout = 30_000 });
        await Expect(row.GetByTestId("job-status")).ToHaveTextAsync("SUCCESS");
        await ScreenshotAsync(page, "pool-list");

        await row.GetByRole(AriaRole.Link, new() { Name = "finance-pool" }).ClickAsync();
        await Expect(page.GetByTestId("desktops").GetByTestId("desktop-state"))
            .ToHaveTextAsync(Enumerable.Repeat("ACTIVE", 10).ToArray());
        await Expect(page.GetByTestId("authorized-objects")).ToContainTextAsync("mei.lin");
        await ScreenshotAsync(page, "pool-detail");

        var pool = await console.Client.PoolByNameAsync("finance-pool");
        Assert.Equal(10, pool.GetProperty("desktop_count").GetInt32());
        Assert.Equal(2, pool.GetProperty("data_volumes").GetArrayLength());
        Assert.Equal(10, pool.GetProperty("autoscale_policy").GetProperty("once_auto_created").GetInt32());
        Assert.Equal(2, pool.GetProperty("tags").GetArrayLength());
        var poolId = pool.GetProperty("id").GetString()!;
        var (_, authorized) = await console.Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"));
        Assert.Equal(2, authorized.GetProperty("total_count").GetInt32());
        var permissions = authorized.GetProperty("objects").EnumerateArray()
            .ToDictionary(o => o.GetProperty("object_name").GetString()!, o => o.GetProperty("user_group").GetString());
        Assert.Equal("users", permissions["mei.lin"]);
        Assert.Equal("administrators", permissions["finance"]);
        var names = (await console.Client.DesktopsAsync(poolId)).Select(d => d.GetProperty("computer_name").GetString());
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"FIN-{i:000}"), names.Order());
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
