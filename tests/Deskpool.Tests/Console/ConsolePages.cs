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

    /// <summary>Saves a screenshot of the page into docs/images, where the README shows it.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "docs", "images");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
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
