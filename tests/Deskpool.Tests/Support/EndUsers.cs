using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Core.Broker;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Support;

/// <summary>End users as the broker tests need them: created, authorised on a pool, signed in.</summary>
public static class EndUsers
{
    public const string Password = "Str0ng!pass";

    /// <summary>Creates an administrator-activated user (no forced password change) and returns the user id.</summary>
    public static async Task<string> CreateAsync(this HttpClient admin, string name, string password = Password)
    {
        var (response, body) = await admin.PostJsonAsync(Wire.Path("users"), new JsonObject
        {
            ["user_name"] = name,
            ["active_type"] = "ADMIN_ACTIVATE",
            ["password"] = password,
            ["next_login_change_password"] = false,
        });
        Assert.True(response.IsSuccessStatusCode, $"Create user failed: {(int)response.StatusCode} {body}");
        return body.GetProperty("id").GetString()!;
    }

    public static async Task AuthorizeAsync(this HttpClient admin, string poolId, IEnumerable<(string Id, string Name)> users)
    {
        foreach (var chunk in users.Chunk(100))
        {
            var (response, body) = await admin.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
            {
                action = "ADD",
                objects = chunk.Select(u => new
                {
                    object_id = u.Id, object_name = u.Name, object_type = "USER", user_group = "users",
                }).ToArray(),
            });
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Authorise failed: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>Creates a user, authorises them on the pool and signs them in; returns a client carrying their token.</summary>
    public static async Task<EndUserClient> NewSignedInAsync(this TestServer server, string poolId, string name)
    {
        var id = await server.Client.CreateAsync(name);
        await server.Client.AuthorizeAsync(poolId, [(id, name)]);
        return await server.SignInAsync(name, id);
    }

    public static async Task<EndUserClient> SignInAsync(this TestServer server, string name, string id, string password = Password)
    {
        var client = server.ClientFor(null);
        var (response, body) = await client.PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = name, password });
        Assert.True(response.IsSuccessStatusCode, $"Sign-in of {name} failed: {(int)response.StatusCode} {body}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return new EndUserClient(client, id, name);
    }

    /// <summary>Buys a pool and waits until its desktops are ready; returns the pool id.</summary>
    public static async Task<string> ReadyPoolAsync(this HttpClient admin, JsonObject request)
    {
        var job = await admin.WaitForJobAsync(await admin.CreatePoolAsync(request));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        return (await admin.PoolByNameAsync(request["name"]!.GetValue<string>())).GetProperty("id").GetString()!;
    }

    /// <summary>A string property that may be absent (the wire leaves out nulls).</summary>
    public static string? Optional(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    /// <summary>Runs the broker's timers once, as the background worker would.</summary>
    public static async Task<int> FireTimersAsync(this TestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionTimers>().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Waits until the desktop reaches the wire status (ACTIVE, ERROR…) with no task under way.</summary>
    public static async Task<JsonElement> WaitForDesktopAsync(
        this HttpClient admin, string poolId, string desktopId, string status, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var desktop = (await admin.DesktopsAsync(poolId)).Single(d => d.GetProperty("desktop_id").GetString() == desktopId);
            if (desktop.GetProperty("status").GetString() == status && desktop.Optional("task_status") is null)
            {
                return desktop;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Desktop {desktopId} did not become {status}; last seen {desktop}.");
            await Task.Delay(50);
        }
    }
}

/// <summary>A signed-in end user's HTTP client.</summary>
public sealed record EndUserClient(HttpClient Http, string UserId, string Name)
{
    public Task<(HttpResponseMessage Response, JsonElement Body)> ConnectAsync(string poolId) =>
        Http.PostJsonAsync($"/v2/end-user/pools/{poolId}/connect", null);

    public Task<(HttpResponseMessage Response, JsonElement Body)> DisconnectAsync(string poolId) =>
        Http.PostJsonAsync($"/v2/end-user/pools/{poolId}/disconnect", null);

    public Task<(HttpResponseMessage Response, JsonElement Body)> LogoffAsync(string poolId) =>
        Http.PostJsonAsync($"/v2/end-user/pools/{poolId}/logoff", null);

    /// <summary>Connects and expects the desktop ready; returns the desktop id.</summary>
    public async Task<string> ConnectReadyAsync(string poolId)
    {
        var (response, body) = await ConnectAsync(poolId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Connect of {Name} was {(int)response.StatusCode}: {body}");
        Assert.Equal("READY", body.GetProperty("status").GetString());
        return body.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
    }
}
