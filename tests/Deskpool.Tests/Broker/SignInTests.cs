using System.Net;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Broker;

/// <summary>End-user sign-in: each refusal has its own code; wrong passwords slow down, then lock.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private TestServer _server = null!;

    private HttpClient Admin => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_right_password_signs_in_and_the_token_opens_the_end_user_routes_until_sign_out()
    {
        var id = await Admin.CreateAsync("alice");

        var alice = await _server.SignInAsync("ALICE", id);
        var (pools, _) = await alice.Http.GetJsonAsync("/v2/end-user/pools");
        var (signedOut, _) = await alice.Http.PostJsonAsync("/v2/end-user/sign-out", null);
        var (after, error) = await alice.Http.GetJsonAsync("/v2/end-user/pools");

        Assert.Equal(HttpStatusCode.OK, pools.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("APIG.0301", error.Code());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_answer()
    {
        await Admin.CreateAsync("alice");

        var (wrong, wrongError) = await SignInAsync("alice", "Wr0ng!pass");
        var (unknown, unknownError) = await SignInAsync("nobody", "Wr0ng!pass");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("WKS.0018", wrongError.Code());
        Assert.Equal(wrongError.Message(), unknownError.Message());
    }

    [Fact]
    public async Task Locked_disabled_expired_unactivated_and_must_change_accounts_are_refused_with_their_own_codes()
    {
        var locked = await Admin.CreateAsync("locked");
        await Admin.PostJsonAsync(Wire.Path($"users/{locked}/actions"), new { op_type = "LOCK" });
        var disabled = await Admin.CreateAsync("disabled");
        await Admin.CallAsync(HttpMethod.Put, Wire.Path($"users/{disabled}"), new { disabled = true });
        var expiring = await Admin.CreateAsync("expiring");
        await Admin.CallAsync(HttpMethod.Put, Wire.Path($"users/{expiring}"),
            new { account_expires = Mails.WireTime(_clock.GetUtcNow().AddDays(1)) });
        await Admin.PostJsonAsync(Wire.Path("users"), new
        {
            user_name = "pending", user_email = "pending@example.com", active_type = "USER_ACTIVATE",
        });
        await Admin.PostJsonAsync(Wire.Path("users"), new
        {
            user_name = "fresh", active_type = "ADMIN_ACTIVATE", password = EndUsers.Password,
        });
        _clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal("WKS.0021", (await SignInAsync("locked")).Body.Code());
        Assert.Equal("WKS.0022", (await SignInAsync("disabled")).Body.Code());
        Assert.Equal("WKS.0023", (await SignInAsync("expiring")).Body.Code());
        Assert.Equal("WKS.0024", (await SignInAsync("pending")).Body.Code());
        var (mustChange, mustChangeError) = await SignInAsync("fresh");
        Assert.Equal(HttpStatusCode.Forbidden, mustChange.StatusCode);
        Assert.Equal("WKS.0025", mustChangeError.Code());
    }

    [Fact]
    public async Task Repeated_wrong_passwords_slow_down_then_lock_the_account_until_an_administrator_unlocks_it()
    {
        var id = await Admin.CreateAsync("alice");

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("alice", "Wr0ng!one")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("alice", "Wr0ng!two")).Response.StatusCode);
        var (slowed, slowedError) = await SignInAsync("alice");
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Equal("WKS.0429", slowedError.Code());
        Assert.Equal(TimeSpan.FromSeconds(1), slowed.Headers.RetryAfter!.Delta);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("alice", "Wr0ng!three")).Response.StatusCode);
        var (slower, _) = await SignInAsync("alice");
        Assert.Equal(TimeSpan.FromSeconds(2), slower.Headers.RetryAfter!.Delta);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await SignInAsync("alice", "Wr0ng!four");
        _clock.Advance(TimeSpan.FromSeconds(4));
        await SignInAsync("alice", "Wr0ng!five");
        _clock.Advance(TimeSpan.FromMinutes(10));

        var (locked, lockedError) = await SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
        Assert.Equal("WKS.0021", lockedError.Code());

        await Admin.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "UNLOCK" });
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync("alice")).Response.StatusCode);
    }

    [Fact]
    public async Task A_burst_of_parallel_guesses_gets_no_more_password_checks_than_the_slow_down_allows()
    {
        await Admin.CreateAsync("alice");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SignInAsync("alice", $"Wr0ng!{i}")));

        // With the clock standing still only the first two failures come without a wait; every
        // other attempt of the burst is turned away before its password is looked at.
        Assert.InRange(answers.Count(a => a.Response.StatusCode == HttpStatusCode.Unauthorized), 1, 2);
        Assert.All(answers.Where(a => a.Response.StatusCode != HttpStatusCode.Unauthorized),
            a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Response.StatusCode));
    }

    [Fact]
    public async Task Changing_the_password_checks_the_current_one_with_the_same_slow_down_and_lock()
    {
        await Admin.CreateAsync("alice");
        Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> ChangeAsync(string current) =>
            _server.ClientFor(null).PostJsonAsync("/v2/end-user/password", new
            {
                project_id = TestServer.ProjectA, user_name = "alice", old_password = current, new_password = "N3w!passw0rd",
            });

        var (first, _) = await ChangeAsync("Wr0ng!one");
        var (second, _) = await ChangeAsync("Wr0ng!two");
        var (slowed, slowedError) = await ChangeAsync(EndUsers.Password);
        var (signInSlowed, _) = await SignInAsync("alice");
        for (var wait = 1; wait <= 8; wait *= 2)
        {
            _clock.Advance(TimeSpan.FromSeconds(wait));
            await ChangeAsync($"Wr0ng!{wait}");
        }

        _clock.Advance(TimeSpan.FromMinutes(10));
        var (locked, lockedError) = await ChangeAsync(EndUsers.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed.StatusCode);
        Assert.Equal("WKS.0429", slowedError.Code());
        Assert.Equal(HttpStatusCode.TooManyRequests, signInSlowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
        Assert.Equal("WKS.0021", lockedError.Code());
    }

    [Fact]
    public async Task A_locked_account_says_locked_even_while_a_wait_would_apply()
    {
        var id = await Admin.CreateAsync("alice");
        await SignInAsync("alice", "Wr0ng!one");
        await SignInAsync("alice", "Wr0ng!two");
        await Admin.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "LOCK" });

        var (response, error) = await SignInAsync("alice");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("WKS.0021", error.Code());
    }

    [Fact]
    public async Task A_right_password_resets_the_failure_count()
    {
        await Admin.CreateAsync("alice");

        await SignInAsync("alice", "Wr0ng!one");
        await SignInAsync("alice", "Wr0ng!two");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var (ok, _) = await SignInAsync("alice");
        var (wrongAgain, _) = await SignInAsync("alice", "Wr0ng!three");
        var (notSlowed, _) = await SignInAsync("alice");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, notSlowed.StatusCode);
    }

    [Fact]
    public async Task Locking_or_disabling_a_user_ends_their_sign_ins_at_once()
    {
        var id = await Admin.CreateAsync("alice");
        var alice = await _server.SignInAsync("alice", id);

        await Admin.CallAsync(HttpMethod.Put, Wire.Path($"users/{id}"), new { disabled = true });
        var (after, _) = await alice.Http.GetJsonAsync("/v2/end-user/pools");

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Sign_in_names_each_missing_field()
    {
        var (response, error) = await _server.ClientFor(null).PostJsonAsync("/v2/end-user/sign-in", new { user_name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("project_id", error.GetProperty("field").GetString());
        Assert.Contains(error.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "password");
    }

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> SignInAsync(
        string name, string password = EndUsers.Password) =>
        _server.ClientFor(null).PostJsonAsync("/v2/end-user/sign-in",
            new { project_id = TestServer.ProjectA, user_name = name, password });
}
