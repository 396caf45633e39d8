using System.Net;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Broker;

/// <summary>
/// No double assignment under concurrency: many simultaneous connects over HTTP, round after
/// round, and random sequences of broker operations checked against a model of the rules.
/// </summary>
public sealed class AssignmentConcurrencyTests
{
    [Fact]
    public async Task Many_simultaneous_connects_never_bind_a_desktop_twice_nor_give_a_user_two_desktops()
    {
        await using var server = await TestServer.StartAsync(time: Mails.Clock());
        const int desktops = 30;
        var poolId = await server.Client.ReadyPoolAsync(Wire.PoolRequest("storm-pool", desktops));
        var users = new List<EndUserClient>();
        var ids = new List<(string, string)>();
        for (var i = 0; i < 40; i++)
        {
            var id = await server.Client.CreateAsync($"storm{i}");
            ids.Add((id, $"storm{i}"));
        }

        await server.Client.AuthorizeAsync(poolId, ids);
        foreach (var (id, name) in ids)
        {
            users.Add(await server.SignInAsync(name, id));
        }

        for (var round = 0; round < 5; round++)
        {
            // Every user connects three times at once; 40 users compete for 30 desktops.
            var answers = await Task.WhenAll(users.SelectMany(u => Enumerable.Range(0, 3).Select(async _ =>
            {
                var (response, body) = await u.ConnectAsync(poolId);
                return (User: u.Name, response.StatusCode, Desktop: response.StatusCode == HttpStatusCode.OK
                    ? body.GetProperty("desktop").GetProperty("desktop_id").GetString()
                    : null);
            })));

            var granted = answers.Where(a => a.Desktop is not null).ToList();
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"unexpected {a.StatusCode}"));
            Assert.All(granted.GroupBy(a => a.User), g => Assert.Single(g.Select(a => a.Desktop).Distinct()));
            Assert.All(granted.GroupBy(a => a.Desktop), g => Assert.Single(g.Select(a => a.User).Distinct()));
            Assert.Equal(desktops, granted.Select(a => a.User).Distinct().Count());

            var listed = await server.Client.DesktopsAsync(poolId);
            Assert.Equal(desktops, listed.Count(d => d.GetProperty("attach_state").GetString() == "ATTACHED"));
            foreach (var grant in granted.DistinctBy(a => a.User))
            {
                Assert.Equal(grant.User, listed.Single(d => d.GetProperty("desktop_id").GetString() == grant.Desktop)
                    .GetProperty("user_name").GetString());
            }

            // Everyone logs off; the desktops are rebuilt and idle again for the next round.
            await Task.WhenAll(users.Select(u => u.LogoffAsync(poolId)));
            foreach (var desktop in listed)
            {
                await server.Client.WaitForDesktopAsync(poolId, desktop.GetProperty("desktop_id").GetString()!, "ACTIVE");
            }
        }
    }

    /// <summary>
    /// A property test of the broker's state machine: for random interleavings of connect,
    /// disconnect, log-off, time passing and timers firing, the server agrees with a model of the
    /// rules after every step (who holds what, when bindings end, how often each desktop was reset).
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(37)]
    [InlineData(41)]
    [InlineData(59)]
    public async Task Random_sequences_of_broker_operations_keep_every_rule(int seed)
    {
        var clock = Mails.Clock();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Deskpool:Broker:PollInterval"] = "01:00:00" }, time: clock);
        var poolId = await server.Client.ReadyPoolAsync(Wire.PoolRequest("model-pool", 3));
        var users = new List<EndUserClient>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await server.NewSignedInAsync(poolId, $"model{i}"));
        }

        var random = new Random(seed);
        var held = new Dictionary<string, string>();              // user -> desktop
        var releaseAt = new Dictionary<string, DateTimeOffset>();  // user -> end of retention
        var resets = new Dictionary<string, int>();                // desktop -> expected resets
        for (var step = 0; step < 25; step++)
        {
            var user = users[random.Next(users.Count)];
            var action = random.Next(5);
            var label = $"seed {seed}, step {step}: {action} by {user.Name}";
            switch (action)
            {
                case 0 or 1:
                {
                    var (response, body) = await user.ConnectAsync(poolId);
                    if (held.TryGetValue(user.Name, out var mine))
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.OK, label);
                        Assert.Equal(mine, body.GetProperty("desktop").GetProperty("desktop_id").GetString());
                        releaseAt.Remove(user.Name);
                    }
                    else if (held.Count < 3)
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{label}: {(int)response.StatusCode} {body}");
                        var desktop = body.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
                        Assert.DoesNotContain(desktop, held.Values);
                        held[user.Name] = desktop;
                    }
                    else
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, label);
                    }

                    break;
                }

                case 2:
                {
                    var (response, _) = await user.DisconnectAsync(poolId);
                    Assert.True((response.StatusCode == HttpStatusCode.NoContent) == held.ContainsKey(user.Name), label);
                    if (held.ContainsKey(user.Name))
                    {
                        releaseAt[user.Name] = clock.GetUtcNow() + TimeSpan.FromMinutes(60);
                    }

                    break;
                }

                case 3:
                {
                    var (response, _) = await user.LogoffAsync(poolId);
                    Assert.True((response.StatusCode == HttpStatusCode.NoContent) == held.ContainsKey(user.Name), label);
                    if (held.Remove(user.Name, out var desktop))
                    {
                        releaseAt.Remove(user.Name);
                        resets[desktop] = resets.GetValueOrDefault(desktop) + 1;
                        await server.Client.WaitForDesktopAsync(poolId, desktop, "ACTIVE");
                    }

                    break;
                }

                default:
                {
                    clock.Advance(TimeSpan.FromMinutes(random.Next(10, 50)));
                    var expired = releaseAt.Where(r => r.Value <= clock.GetUtcNow()).Select(r => r.Key).ToList();
                    Assert.Equal(expired.Count, await server.FireTimersAsync());
                    foreach (var name in expired)
                    {
                        releaseAt.Remove(name);
                        var desktop = held[name];
                        held.Remove(name);
                        resets[desktop] = resets.GetValueOrDefault(desktop) + 1;
                        await server.Client.WaitForDesktopAsync(poolId, desktop, "ACTIVE");
                    }

                    // Sessions last eight hours; sign in again so the model's users stay signed in.
                    for (var i = 0; i < users.Count; i++)
                    {
                        users[i] = await server.SignInAsync(users[i].Name, users[i].UserId);
                    }

                    break;
                }
            }

            var listed = await server.Client.DesktopsAsync(poolId);
            foreach (var desktop in listed)
            {
                var id = desktop.GetProperty("desktop_id").GetString()!;
                var holder = held.SingleOrDefault(h => h.Value == id).Key;
                Assert.True(holder == desktop.Optional("user_name"), $"{label}: desktop {id} held by {desktop.Optional("user_name")}, model says {holder}");
                Assert.True(resets.GetValueOrDefault(id) == server.Driver.Resets(id), $"{label}: resets of {id}");
            }
        }
    }
}
