using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deskpool.Tests.Hosting;

/// <summary>The server key that seals access-key secrets: where it comes from, and what a wrong one does.</summary>
public sealed class SecretKeyTests
{
    private static async Task<(string Access, string Secret)> CreateKeyAsync(TestServer server)
    {
        var (_, created) = await server.Client.PostJsonAsync(Wire.Path("access-keys"), new JsonObject { ["name"] = "restart" });
        var key = created.GetProperty("access_key");
        return (key.GetProperty("access").GetString()!, key.GetProperty("secret").GetString()!);
    }

    private static async Task<HttpStatusCode> SignedListAsync(TestServer server, string access, string secret)
    {
        using var client = new HttpClient(new SdkSigner(access, secret, () => DateTimeOffset.UtcNow)
        {
            InnerHandler = server.CreateHandler(),
        })
        {
            BaseAddress = new Uri("http://localhost"),
        };
        return (await client.GetJsonAsync(Wire.Path("desktop-pools"))).Response.StatusCode;
    }

    [Fact]
    public async Task WithoutConfiguration_TheKeyIsMadeOnceInTheDataFolder_ReadableByTheOwnerOnly_AndKeptAcrossRestarts()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        string access, secret;
        await using (var first = await TestServer.StartAsync(dataDirectory: dataDirectory))
        {
            (access, secret) = await CreateKeyAsync(first);
        }

        var file = Path.Combine(dataDirectory, "secret.key");
        var before = await File.ReadAllTextAsync(file);
        await using var second = await TestServer.StartAsync(dataDirectory: dataDirectory);

        Assert.Equal(HttpStatusCode.OK, await SignedListAsync(second, access, secret));
        Assert.Equal(before, await File.ReadAllTextAsync(file));
        Assert.Equal(32, Convert.FromBase64String(before).Length);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task A_data_folder_the_server_makes_is_its_owners_alone()
    {
        var dataDirectory = Path.Combine(TestServer.NewDataDirectory(), "made-by-the-server");

        await using var server = await TestServer.StartAsync(dataDirectory: dataDirectory);

        Assert.True(Directory.Exists(dataDirectory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                File.GetUnixFileMode(dataDirectory));
        }
    }

    [Fact]
    public async Task AnotherKey_OpensNoSecret()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        string access, secret;
        var keyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (var first = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Deskpool:Security:SecretKey"] = keyA }, dataDirectory))
        {
            (access, secret) = await CreateKeyAsync(first);
            Assert.Equal(HttpStatusCode.OK, await SignedListAsync(first, access, secret));
        }

        var logs = new LogCapture();
        await using var second = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Security:SecretKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }, dataDirectory, services: s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal(HttpStatusCode.Unauthorized, await SignedListAsync(second, access, secret));
        Assert.False(File.Exists(Path.Combine(dataDirectory, "secret.key")));
        Assert.Contains($"[8001] The secret of access key {access} does not open with this node's server key",
            logs.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, logs.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Deskpool:Security:SecretKey", "c2hvcnQ=", "32 bytes")]
    [InlineData("Deskpool:Security:SignInPerUser:Window", "00:00:00", "Window")]
    public async Task BadSecuritySettings_StopTheServerWithTheSettingToFix(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { [key] = value };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(settings));

        var messages = string.Join(" | ", Flatten(failure).Select(e => e.Message));
        Assert.Contains(named, messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
