using System.Net;
using Deskpool.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Deskpool.Tests.Console;

/// <summary>
/// One real server on a loopback port (Kestrel, so that a browser can reach it) and one headless
/// Chromium, shared by the tests of a class. Each test opens its own browser context, so cookies and
/// pages never leak between tests. The browser is Debian's Chromium; Playwright downloads nothing.
/// </summary>
public class ConsoleFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    /// <summary>Extra settings for the server; desktops boot in a second so that progress can be seen.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:01",
    };

    public virtual async Task InitializeAsync()
    {
        var settings = TestServer.Settings(TestServer.NewDataDirectory(), Settings);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        Address = new Uri(addresses.Addresses.First());
        Client = new HttpClient { BaseAddress = Address };
        Client.DefaultRequestHeaders.Add("X-Auth-Token", TestServer.TokenA);

        Assert.True(File.Exists(ChromiumPath),
            $"The console tests need Debian's Chromium at {ChromiumPath}: apt-get install chromium (.ci/run does).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });

        // The first sign-in of a fresh server pays for compiling, the data model and the cookie keys; it is
        // paid here, outside every test's time limits, which then measure the console and not a cold start.
        var warmUp = await NewPageAsync();
        await ConsolePages.SignInAsync(warmUp, TestServer.ProjectA, TestServer.TokenA);
        await warmUp.Context.CloseAsync();
    }

    /// <summary>A fresh browser context at a laptop's screen size, signed in to the console.</summary>
    public async Task<IPage> SignedInPageAsync(string project = TestServer.ProjectA, string token = TestServer.TokenA)
    {
        var page = await NewPageAsync();
        await ConsolePages.SignInAsync(page, project, token);
        return page;
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "en-GB",
        });
        // Generous, for a machine busy with other builds; a passing step takes a fraction of it.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
