using Deskpool.Tests.Support;
using Microsoft.Playwright;
using static Deskpool.Tests.Console.ConsolePages;

namespace Deskpool.Tests.Console;

/// <summary>
/// Each wizard step shows the core's own messages beside the field they concern, while typing, and
/// will not go on while one stands. The texts asserted are the core's, word for word.
/// </summary>
[Collection(ConsoleTestCollection.Name)]
public sealed class PurchaseValidationTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    [Fact]
    public async Task BasicStep_ShowsTheDiskRules_ForA15GbDiskAndAnEleventhDataDisk()
    {
        var page = await console.SignedInPageAsync();
        await FillBasicsAsync(page, "disk-pool");

        await FillAsync(page, "Data disk 1 size (GB)", "15");
        await Expect(page.GetByText("data_volumes[0].size must be a multiple of 10 GB (got 15).")).ToBeVisibleAsync();
        await ClickAsync(page, "Next: Advanced settings");
        await ScreenshotAsync(page, "purchase-errors");
        await Expect(Step(page, "Basic configurations")).ToBeVisibleAsync();

        await FillAsync(page, "Data disk 1 size (GB)", "20");
        for (var disk = 3; disk <= 11; disk++)
        {
            await ClickAsync(page, "Add data disk");
        }

        await Expect(page.GetByTestId("data-disks-error")).ToHaveTextAsync("data_volumes may hold at most 10 items (got 11).");
        await ClickAsync(page, "Next: Advanced settings");
        await Expect(Step(page, "Basic configurations")).ToBeVisibleAsync();

        await ClickAsync(page, "Remove data disk 11");
        await Expect(page.GetByTestId("data-disks-error")).ToHaveCountAsync(0);
        await ClickAsync(page, "Next: Advanced settings");
        await Expect(Step(page, "Advanced settings")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AdvancedStep_ChecksTagsWhileTyping()
    {
        var page = await console.SignedInPageAsync();
        await FillBasicsAsync(page, "tag-pool");
        await ClickAsync(page, "Next: Advanced settings");
        await FillNetworkAsync(page);

        await ClickAsync(page, "Add tag");
        await FillAsync(page, "Tag 1 key", "_sys_owner");
        await Expect(page.GetByText("tags[0].key may not start with '_sys_' (reserved for the system).")).ToBeVisibleAsync();
        await FillAsync(page, "Tag 1 key", "owner");
        await FillAsync(page, "Tag 1 value", "ops#1");
        await Expect(page.GetByText("tags[0].value may contain only letters, digits, spaces and _ . : / = + - @ (found U+0023)."))
            .ToBeVisibleAsync();
        await ClickAsync(page, "Next: Assign desktops");
        await Expect(Step(page, "Advanced settings")).ToBeVisibleAsync();

        await FillAsync(page, "Tag 1 value", "ops/1");
        await ClickAsync(page, "Next: Assign desktops");
        await Expect(Step(page, "Assign desktops")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AssignStep_ChecksUsernameAndPasswordWhileTyping_AndCreatesNothingInvalid()
    {
        var page = await OpenAssignStepAsync("user-rules-pool");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Create user", Exact = true }).ClickAsync();

        await FillAsync(page, "Username", "mei lin");
        await Expect(page.GetByText("user_name may contain only letters, digits, '-', '_' and '.', and must start with a letter or digit."))
            .ToBeVisibleAsync();
        await page.GetByLabel("By the administrator (an initial password)").CheckAsync();
        await FillAsync(page, "Username", "ops-admin");
        await FillAsync(page, "Initial password", "abcd1234");
        await Expect(page.GetByText("password must contain at least three of: upper-case letters, lower-case letters, digits"))
            .ToBeVisibleAsync();
        await ClickAsync(page, "Add user");
        await Expect(page.GetByText("password must contain at least three of")).ToBeVisibleAsync();

        var (_, users) = await console.Client.GetJsonAsync(Wire.Path("users?user_name=ops-admin"));
        Assert.Equal(0, users.GetProperty("total_count").GetInt32());

        await FillAsync(page, "Initial password", "Abcd1234");
        await ClickAsync(page, "Add user");
        await Expect(page.GetByTestId("assigned-users")).ToContainTextAsync("ops-admin");
    }

    [Fact]
    public async Task BatchImport_Refuses201Rows_AndImportsTheValidRowsOfAReviewedFile()
    {
        var page = await OpenAssignStepAsync("import-pool");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Batch import" }).ClickAsync();
        var upload = page.Locator("input[type=file]").First;

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download template" }).ClickAsync());
        Assert.Equal("deskpool-users-template.xlsx", download.SuggestedFilename);
        var template = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal((byte)'P', template[0]);

        var tooMany = Workbooks.Build(Enumerable.Range(1, 201)
            .Select(i => Workbooks.Row($"{i}", $"bulk{i}", $"bulk{i}@example.com", null, null, null)).ToArray());
        await upload.SetInputFilesAsync(new FilePayload { Name = "users.xlsx", MimeType = XlsxType, Buffer = tooMany });
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("more than 200 records");

        var mixed = Workbooks.Build(
            Workbooks.Row("1", "ana.silva", "ana.silva@example.com", null, null, "finance"),
            Workbooks.Row("2", "bad name", "bad@example.com", null, null, null));
        await upload.SetInputFilesAsync(new FilePayload { Name = "users.xlsx", MimeType = XlsxType, Buffer = mixed });
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("2 rows: 1 valid, 1 with problems");
        await Expect(page.GetByText("Row 3: user_name may contain only letters")).ToBeVisibleAsync();
        await ClickAsync(page, "Confirm import");

        await Expect(page.GetByTestId("assigned-users")).ToContainTextAsync("ana.silva");
        var (_, users) = await console.Client.GetJsonAsync(Wire.Path("users?user_name=ana.silva"));
        Assert.Equal(1, users.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task GoingBack_KeepsWhatWasEntered()
    {
        var page = await console.SignedInPageAsync();
        await FillBasicsAsync(page, "keep-pool");
        await ClickAsync(page, "Next: Advanced settings");
        await FillNetworkAsync(page);
        await ClickAsync(page, "Add tag");
        await FillAsync(page, "Tag 1 key", "team");
        await ClickAsync(page, "Next: Assign desktops");
        await Expect(Step(page, "Assign desktops")).ToBeVisibleAsync();

        await ClickAsync(page, "Previous");
        await ClickAsync(page, "Previous");

        await Expect(Step(page, "Basic configurations")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Pool name", new() { Exact = true })).ToHaveValueAsync("keep-pool");
        await Expect(page.GetByLabel("Data disk 2 size (GB)")).ToHaveValueAsync("50");
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Package" })).ToHaveTextAsync("Ultimate | 2 vCPUs | 4 GB");
        await ClickAsync(page, "Next: Advanced settings");
        await Expect(page.GetByLabel("Tag 1 key")).ToHaveValueAsync("team");
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "subnet-desktops-a" })).ToBeCheckedAsync();
    }

    [Fact]
    public async Task FirstPurchase_AsksToAuthoriseTheService_AndTheGrantIsRecorded()
    {
        var page = await console.SignedInPageAsync(TestServer.ProjectB, TestServer.TokenB);
        await page.GotoAsync("/console/purchase");

        var prompt = page.GetByRole(AriaRole.Dialog);
        await Expect(prompt).ToContainTextAsync("Authorise Deskpool for this project");
        await Expect(prompt).ToContainTextAsync("Images");
        await Expect(prompt).ToContainTextAsync("Networks");
        await ScreenshotAsync(page, "purchase-authorization");
        await prompt.GetByRole(AriaRole.Button, new() { Name = "Authorise" }).ClickAsync();
        await Expect(prompt).ToHaveCountAsync(0);

        using var projectB = new HttpClient { BaseAddress = console.Address };
        projectB.DefaultRequestHeaders.Add("X-Auth-Token", TestServer.TokenB);
        var (_, grant) = await projectB.GetJsonAsync(Wire.Path("service-authorization", TestServer.ProjectB));
        Assert.True(grant.GetProperty("authorized").GetBoolean());
    }

    private async Task<IPage> OpenAssignStepAsync(string poolName)
    {
        var page = await console.SignedInPageAsync();
        await FillBasicsAsync(page, poolName);
        await ClickAsync(page, "Next: Advanced settings");
        await FillNetworkAsync(page);
        await ClickAsync(page, "Next: Assign desktops");
        await Expect(Step(page, "Assign desktops")).ToBeVisibleAsync();
        return page;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
