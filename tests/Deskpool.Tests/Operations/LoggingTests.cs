using System.Net;
using System.Reflection;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deskpool.Tests.Operations;

[Collection(OperationsCollection.Name)]
public sealed class LoggingTests
{
    [Fact]
    public void Every_log_event_id_is_used_once_across_the_solution()
    {
        var assemblies = new[]
        {
            typeof(Deskpool.Core.Jobs.JobRunner).Assembly,
            typeof(Program).Assembly,
            typeof(Deskpool.Drivers.Libvirt.LibvirtComputeDriver).Assembly,
            typeof(Deskpool.Drivers.Simulated.SimulatedComputeDriver).Assembly,
            typeof(Deskpool.Mail.SmtpMailTransport).Assembly,
        };

        var ids = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic
                | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Attribute!.EventId, Name: $"{m.Method.DeclaringType!.FullName}.{m.Method.Name}"))
            .ToList();
        var repeated = ids.GroupBy(i => i.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}").ToList();

        Assert.True(ids.Count > 30, $"Found only {ids.Count} log methods.");
        Assert.All(ids, i => Assert.True(i.EventId > 0, $"{i.Name} has no event id."));
        Assert.Empty(repeated);
    }

    [Fact]
    public async Task No_password_session_token_ticket_or_agent_key_reaches_the_logs()
    {
        var capture = new LogCapture();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services: s => s.AddSingleton<ILoggerProvider>(capture));
        const string password = "Secr3t!Passw0rd-xyzzy";

        var poolId = await server.Client.ReadyPoolAsync(Wire.PoolRequest("secret-pool", 1));
        var userId = await server.Client.CreateAsync("erin", password);
        await server.Client.AuthorizeAsync(poolId, [(userId, "erin")]);
        var erin = await server.SignInAsync("erin", userId, password);
        var session = erin.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var (connected, body) = await erin.ConnectAsync(poolId);
        var ticket = body.GetProperty("connection").GetProperty("ticket").GetString()!;
        var desktopId = body.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        var (_, key) = await server.Client.PostJsonAsync(Wire.Path($"desktops/{desktopId}/agent-key"), null);
        var agentKey = key.GetProperty("agent_key").GetString()!;
        using var agent = server.ClientFor(null);
        agent.DefaultRequestHeaders.Add("X-Agent-Key", agentKey);
        var (redeemed, _) = await agent.PostJsonAsync($"/v2/desktop-agent/{desktopId}/events",
            new { type = "connect", ticket });
        var (wrongPassword, _) = await server.ClientFor(null).PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = "erin", password = password + "-wrong" });

        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, wrongPassword.StatusCode);
        var logs = capture.Text();
        Assert.Contains("erin", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { password, session, ticket, agentKey, TestServer.TokenA })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
