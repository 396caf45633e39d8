using Microsoft.Playwright;

namespace Deskpool.Tests.Console;

/// <summary>Steps a person takes in the console, written once for every browser test.</summary>
public static class ConsolePages
{
    public static async Task SignInAsync(IPage page, string project, string token)
    {
        await page.GotoAsync("/console/sign-in");
        await page.GetByLabel("Project id").FillAsync(project);
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/console/pools");
    }

    /// <summary>Signs an end user in to the portal and waits for their list of desktops.</summary>
    public static async Task PortalSignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync($"/portal/sign-in?project={Deskpool.Tests.Support.TestServer.ProjectA}");
        await page.GetByLabel("Username").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/portal");
    }

    /// <summary>Opens a select by its label and picks the option whose text starts with <paramref name="option"/>.</summary>
    public static async Task SelectAsync(IPage page, string label, string option)
    {
        await page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = option }).First.ClickAsync();
        await page.Keyboard.PressAsync("Escape");
    }

    public static Task FillAsync(IPage page, string label, string value) =>
        page.GetByLabel(label, new() { Exact = true }).FillAsync(value);

    public static Task ClickAsync(IPage page, string button) =>
        page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();

    /// <summary>The first step of the purchase page's example pool, with two data disks.</summary>
    public static async Task FillBasicsAsync(IPage page, string name, int size = 2)
    {
        await page.GotoAsync("/console/purchase");
        await FillAsync(page, "Pool name", name);
        await FillAsync(page, "Number of desktops", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SelectAsync(page, "Package", "Ultimate | 2 vCPUs | 4 GB");
        await SelectAsync(page, "Operating system image", "Windows Server 2022");
        await ClickAsync(page, "Add data disk");
        await SelectAsync(page, "Data disk 1 type", "Ultra-high I/O");
        await FillAsync(page, "Data disk 1 size (GB)", "100");
        await ClickAsync(page, "Add data disk");
        await SelectAsync(page, "Data disk 2 type", "General-purpose SSD");
        await FillAsync(page, "Data disk 2 size (GB)", "50");
    }

    /// <summary>The network, which is all the second step needs to be valid.</summary>
    public static async Task FillNetworkAsync(IPage page)
    {
        await SelectAsync(page, "VPC", "vpc-workspace");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "subnet-desktops-a" }).CheckAsync();
    }

    /// <summary>The wizard's active step header, if it is the one titled <paramref name="title"/>.</summary>
    public static ILocator Step(IPage page, string title) =>
        page.GetByRole(AriaRole.Tab, new() { Selected = true }).Filter(new() { HasText = title });

    /// <summary>Saves a screenshot of the page into docs/images, where the README shows it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "docs", "images");
        Directory.CreateDirectory(folder);
        // A window as tall as the page, so that the fixed app bar stays on top instead of being stitched in.
        var size = page.ViewportSize!;
        var height = await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        await page.SetViewportSizeAsync(size.Width, Math.Max(size.Height, height));
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(folder, name + ".png"),
            Animations = ScreenshotAnimations.Disabled,
        });
        await page.SetViewportSizeAsync(size.Width, size.Height);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Deskpool.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Deskpool.slnx) was not found above the test folder.");
    }
}
