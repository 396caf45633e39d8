using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Drivers.Simulated;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Support;

/// <summary>
/// A real Deskpool server (the whole HTTP pipeline, a real database - a SQLite file, or a fresh
/// PostgreSQL database when <see cref="TestDatabase"/> says so - real workers, the
/// simulated driver at zero latency) in a fresh data folder. Two projects are seeded:
/// <see cref="ProjectA"/> (service authorised) and <see cref="ProjectB"/> (not authorised).
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string ProjectA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string TokenA = "token-project-a";
    public const string ReadOnlyTokenA = "token-project-a-read-only";
    public const string ProjectB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string TokenB = "token-project-b";

    private readonly WebApplicationFactory<Program> _factory;

    private TestServer(
        string dataDirectory,
        IReadOnlyDictionary<string, string?> settings,
        TimeProvider? time,
        Action<IServiceCollection>? services)
    {
        DataDirectory = dataDirectory;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in Settings(dataDirectory, settings))
            {
                builder.UseSetting(key, value);
            }

            if (time is not null)
            {
                builder.ConfigureTestServices(services => services.AddSingleton(time));
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
        Client = ClientFor(TokenA);
    }

    public string DataDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public SimulatedComputeDriver Driver => Services.GetRequiredService<SimulatedComputeDriver>();

    /// <summary>
    /// Starts a server in a new data folder, or in <paramref name="dataDirectory"/> to restart on old data;
    /// <paramref name="time"/> replaces the clock (a FakeTimeProvider where time matters);
    /// <paramref name="services"/> adds or replaces services (a log capture, say).
    /// </summary>
    public static async Task<TestServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        string? dataDirectory = null,
        TimeProvider? time = null,
        Action<IServiceCollection>? services = null)
    {
        dataDirectory ??= NewDataDirectory();
        var server = new TestServer(dataDirectory, settings ?? new Dictionary<string, string?>(), time, services);
        using var probe = await server.Client.GetAsync(new Uri($"/v2/{ProjectA}/products", UriKind.Relative));
        probe.EnsureSuccessStatusCode();
        return server;
    }

    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "deskpool-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The configuration every test server runs with, also used for child server processes.</summary>
    public static Dictionary<string, string?> Settings(string dataDirectory, IReadOnlyDictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:DataDirectory"] = dataDirectory,
            ["Deskpool:Tenancy:Projects:0:Id"] = ProjectA,
            ["Deskpool:Tenancy:Projects:0:Name"] = "project-a",
            ["Deskpool:Tenancy:Projects:0:AdminToken"] = TokenA,
            ["Deskpool:Tenancy:Projects:0:ReadOnlyToken"] = ReadOnlyTokenA,
            ["Deskpool:Tenancy:Projects:0:ServiceAuthorized"] = "true",
            ["Deskpool:Tenancy:Projects:1:Id"] = ProjectB,
            ["Deskpool:Tenancy:Projects:1:Name"] = "project-b",
            ["Deskpool:Tenancy:Projects:1:AdminToken"] = TokenB,
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:00",
            ["Deskpool:Drivers:Simulated:OperationLatency"] = "00:00:00",
            ["Deskpool:Jobs:PollInterval"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Warning",
            // The access tests send hundreds of refused credentials from one address on purpose;
            // the limit on them is tested on its own (AbuseLimitTests) with a small limit.
            ["Deskpool:Security:FailedCredentialsPerAddress:PermitLimit"] = "0",
        };
        foreach (var (key, value) in TestDatabase.SettingsFor(dataDirectory))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A handler that sends requests straight into the in-memory server, for clients that build their own HttpClient.</summary>
    public HttpMessageHandler CreateHandler() => _factory.Server.CreateHandler();

    public HttpClient ClientFor(string? token)
    {
        var client = _factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("X-Auth-Token", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        TestDatabase.Release(DataDirectory);
    }
}

/// <summary>Calls the API the way a client would, and reads answers as JSON.</summary>
public static class Wire
{
    public const string WindowsImage = "a8ce7c2f-3d1b-4f76-9a0e-6c1b2f0d9e11";
    public const string Windows11Image = "5f0e1c9a-7b2d-4e3f-8a6c-2d9b1e4f7a22";
    public const string LinuxImage = "c3b9d7e1-2a4f-4c8b-9e6d-1f7a3b5c8d33";
    public const string PrivateWindowsImage = "e7a1f3c5-9d2b-4a6e-8c1f-5b3d7e9a1c44";
    public const string PrivateLinuxImage = "0b2d4f6a-8c1e-4b3d-9f5a-7e2c4a6b8d55";
    public const string Ultimate = "workspace.x86.ultimate.large2";
    public const string Enterprise = "workspace.x86.enterprise.large2.windows";
    public const string LinuxOnlyProduct = "workspace.x86.general.medium1";
    public const string Vpc = "3d9f2a7c-5b1e-4c8d-a6f0-9e2b4d7c1a66";
    public const string SubnetA = "7a1c3e5b-9d2f-4b6a-8e0c-2f4a6c8e0b77";
    public const string SubnetB = "9c3e5a7b-1d4f-4a8c-b2e6-4a6c8e0a2d88";
    public const string LabVpc = "8b0d2f4a-6c9e-4d1b-b3f5-1a3c5e7b9d10";
    public const string LabSubnet = "4f6a8c0e-2d5b-4e7c-a9f1-8e0a2c4e6b21";
    public const string ZoneA = "region-1a";
    public const string ZoneB = "region-1b";

    /// <summary>A valid request for a small dynamic pool; tests change one thing in it.</summary>
    public static JsonObject PoolRequest(string name = "pool-1", int size = 2) => new()
    {
        ["name"] = name,
        ["type"] = "DYNAMIC",
        ["size"] = size,
        ["product_id"] = Ultimate,
        ["image_type"] = "gold",
        ["image_id"] = WindowsImage,
        ["root_volume"] = new JsonObject { ["type"] = "SAS", ["size"] = 80 },
        ["data_volumes"] = new JsonArray(new JsonObject { ["type"] = "SSD", ["size"] = 100 }),
        ["vpc_id"] = Vpc,
        ["subnet_ids"] = new JsonArray(SubnetA),
        ["disconnected_retention_period"] = 60,
    };

    public static string Path(string rest, string project = TestServer.ProjectA) => $"/v2/{project}/{rest}";

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> CallAsync(
        this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response, json);
    }

    public static Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, object? body) =>
        client.CallAsync(HttpMethod.Post, path, body);

    public static Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(this HttpClient client, string path) =>
        client.CallAsync(HttpMethod.Get, path);

    /// <summary>Buys a pool and returns its job id; fails the test if the purchase is refused.</summary>
    public static async Task<string> CreatePoolAsync(this HttpClient client, JsonObject request, string project = TestServer.ProjectA)
    {
        var (response, body) = await client.PostJsonAsync(Path("desktop-pools", project), request);
        Assert.True(response.IsSuccessStatusCode, $"Create pool failed: {(int)response.StatusCode} {body}");
        return body.GetProperty("job_id").GetString()!;
    }

    /// <summary>Polls a job until it ends (SUCCESS or FAIL) and returns its last view.</summary>
    public static async Task<JsonElement> WaitForJobAsync(
        this HttpClient client, string jobId, string project = TestServer.ProjectA, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var (response, job) = await client.GetJsonAsync(Path($"workspace-jobs/{jobId}", project));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var status = job.GetProperty("status").GetString();
            if (status is "SUCCESS" or "FAIL")
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} did not end in time; last seen {status}.");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonElement> PoolByNameAsync(this HttpClient client, string name)
    {
        var (_, list) = await client.GetJsonAsync(Path($"desktop-pools?name={name}"));
        return list.GetProperty("desktop_pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
    }

    public static async Task<List<JsonElement>> DesktopsAsync(this HttpClient client, string poolId)
    {
        var all = new List<JsonElement>();
        for (var offset = 0; ; offset += 100)
        {
            var (response, page) = await client.GetJsonAsync(Path($"desktop-pools/{poolId}/desktops?limit=100&offset={offset}"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var items = page.GetProperty("pool_desktops").EnumerateArray().ToList();
            all.AddRange(items);
            if (items.Count < 100)
            {
                return all;
            }
        }
    }

    public static string Code(this JsonElement error) => error.GetProperty("error_code").GetString()!;

    public static string Message(this JsonElement error) => error.GetProperty("error_msg").GetString()!;
}
