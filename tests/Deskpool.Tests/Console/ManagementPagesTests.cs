using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>The pages beside the wizard: naming rules, user groups and users.</summary>
[Collection(ConsoleTestCollection.Name)]
public sealed class ManagementPagesTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task NamingRules_ShowTheCoresMessageBesideTheField_ThenCreateAndDelete()
    {
        var page = await console.SignedInPageAsync();
        await page.GotoAsync("/console/naming-rules");

        await FillAsync(page, "Rule name", "lab_rule");
        await FillAsync(page, "Name prefix", "-LAB");
        await ClickAsync(page, "Create rule");
        await Expect(page.GetByText("name_prefix may contain only letters, digits and '-', and must start with a letter or digit."))
            .ToBeVisibleAsync();

        await FillAsync(page, "Name prefix", "LAB-");
        await ClickAsync(page, "Create rule");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lab_rule" });
        await Expect(row).ToContainTextAsync("LAB-001");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AuditTrail_ListsTheConsolesOwnChanges_WithTheirResult()
    {
        var page = await console.SignedInPageAsync();
        await page.GotoAsync("/console/naming-rules");
        await FillAsync(page, "Rule name", "audited_rule");
        await FillAsync(page, "Name prefix", "-AUD");
        await ClickAsync(page, "Create rule");
        await Expect(page.GetByText("name_prefix may contain only letters, digits and '-', and must start with a letter or digit."))
            .ToBeVisibleAsync();
        await FillAsync(page, "Name prefix", "AUD-");
        await ClickAsync(page, "Create rule");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "audited_rule" })).ToHaveCountAsync(1);

        await page.GotoAsync("/console/audit");
        var rows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "console:NamingRules.Create" });

        // Other tests of the class change naming rules too; this one's two attempts are among the rows.
        await Expect(rows.Filter(new() { HasText = "failure WKS.0004" }).First).ToBeVisibleAsync();
        await Expect(rows.Filter(new() { HasText = "success" }).First).ToBeVisibleAsync();
        await Expect(rows.First).ToContainTextAsync("administrator");
    }

    [Fact]
    public async Task Groups_AreCreatedWithTheGroupRules_AndDeletedAfterConfirmation()
    {
        var page = await console.SignedInPageAsync();
        await page.GotoAsync("/console/groups");
        await page.GetByText("Create a user group").ClickAsync();

        await FillAsync(page, "Group name", "lab group");
        await Expect(page.GetByText("group_name may contain only letters, digits, '.', '-' and '_'.")).ToBeVisibleAsync();
        await FillAsync(page, "Group name", "lab-group");
        await SelectAsync(page, "Group type", "AD user group");
        await ClickAsync(page, "Create group");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lab-group" });
        await Expect(row).ToContainTextAsync("AD user group");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Users_AreListed_AndCanBeLockedAndDeleted()
    {
        await console.Client.PostJsonAsync(Wire.Path("users"), System.Text.Json.Nodes.JsonNode.Parse(
            """{"user_name":"lock.me","user_email":"lock.me@example.com","active_type":"USER_ACTIVATE"}"""));
        var page = await console.SignedInPageAsync();
        await page.GotoAsync("/console/users");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "lock.me" });

        await row.GetByRole(AriaRole.Button, new() { Name = "Lock" }).ClickAsync();
        await Expect(row).ToContainTextAsync("locked");
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
