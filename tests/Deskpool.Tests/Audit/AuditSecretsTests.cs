using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deskpool.Core.Persistence;
using Deskpool.Tests.Api;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Deskpool.Tests.Audit;

/// <summary>
/// End users' own changes (activation, sign-in, connect, disconnect) are recorded as theirs, and no
/// secret that passed through the server - password, API token, session token, activation token,
/// connection ticket, agent key - appears in the trail or in any log line.
/// </summary>
public sealed partial class AuditSecretsTests
{
    private const string Password = "Secr3t!Audit-plugh";
    private const string ActivatedPassword = "Act1vated!Audit-xyzzy";

    [GeneratedRegex(@"activate#token=([A-Za-z0-9_%-]+)")]
    private static partial Regex LinkToken();

    [Fact]
    public async Task SecretsCarriedByChanges_NeverReachTheTrailOrTheLogs()
    {
        var capture = new LogCapture();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services: s => s.AddSingleton<ILoggerProvider>(capture));
        var admin = server.Client;

        var poolId = await admin.ReadyPoolAsync(Wire.PoolRequest("secrets-pool", 1));
        var userId = await admin.CreateAsync("sally", Password);
        await admin.AuthorizeAsync(poolId, [(userId, "sally")]);
        var sally = await server.SignInAsync("sally", userId, Password);
        var session = sally.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var (connected, body) = await sally.ConnectAsync(poolId);
        var ticket = body.GetProperty("connection").GetProperty("ticket").GetString()!;
        var desktopId = body.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        var (disconnected, _) = await sally.DisconnectAsync(poolId);
        var (_, key) = await admin.PostJsonAsync(Wire.Path($"desktops/{desktopId}/agent-key"), null);
        var agentKey = key.GetProperty("agent_key").GetString()!;
        var (_, self) = await admin.PostJsonAsync(Wire.Path("users"), UserRulesTests.SelfUser("tariq"));
        var activation = await ActivationTokenAsync(server, "tariq@example.com");
        var (activated, _) = await server.ClientFor(null).PostJsonAsync("/v2/end-user/activate",
            new { token = activation, password = ActivatedPassword });
        var (wrong, _) = await server.ClientFor(null).PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = "sally", password = Password + "-wrong" });

        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, activated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var trail = await TrailAsync(server);
        var tariq = self.GetProperty("id").GetString();
        Assert.Contains(trail, e => e.Action == "EndUserSignIn" && e.ActorId == userId && e.Succeeded);
        Assert.Contains(trail, e => e.Action == "EndUserSignIn" && e.ActorId == userId && e.ErrorCode == "WKS.0018");
        Assert.Contains(trail, e => e.Action == "ConnectDesktop" && e.ActorId == userId && e.Succeeded);
        Assert.Contains(trail, e => e.Action == "DisconnectDesktop" && e.ActorId == userId && e.Succeeded);
        Assert.Contains(trail, e => e.Action == "ActivateUser" && e.ActorId == tariq && e.Succeeded);
        var everything = JsonSerializer.Serialize(trail) + "\n" + capture.Text();
        foreach (var secret in new[] { Password, ActivatedPassword, TestServer.TokenA, session, activation, ticket, agentKey })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    private static async Task<List<Deskpool.Core.Audit.AuditEvent>> TrailAsync(TestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().AuditEvents.AsNoTracking().ToListAsync();
    }

    private static async Task<string> ActivationTokenAsync(TestServer server, string to)
    {
        var outbox = Path.Combine(server.DataDirectory, "outbox");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var mail = (Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml") : [])
                .Select(f => MimeMessage.Load(f))
                .FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == to));
            if (mail is not null)
            {
                return Uri.UnescapeDataString(LinkToken().Match(mail.TextBody ?? "").Groups[1].Value);
            }

            Assert.True(DateTime.UtcNow < deadline, $"No activation mail to {to}.");
            await Task.Delay(50);
        }
    }
}
