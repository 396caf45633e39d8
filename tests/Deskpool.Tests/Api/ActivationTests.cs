using System.Net;
using System.Text.RegularExpressions;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Deskpool.Tests.Api;

/// <summary>Activation by link, administrator activation, password changes, and the mails that carry them.</summary>
public sealed partial class ActivationTests : IAsyncLifetime
{
    private const string Password = "N3w!secret";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    private string Outbox => Path.Combine(_server.DataDirectory, "outbox");

    [GeneratedRegex(@"activate#token=([A-Za-z0-9_%-]+)")]
    private static partial Regex LinkToken();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _clock);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ActivationMail_CarriesASingleUseLink_ThatSetsThePassword()
    {
        var userId = await CreateSelfActivatingAsync("hana");

        var mail = await WaitForMailAsync("hana@example.com", "Activate");
        var token = TokenOf(mail);
        var (activated, _) = await ActivateAsync(token, Password);
        var (reused, reuseError) = await ActivateAsync(token, "An0ther!pass");
        var (_, detail) = await Client.GetJsonAsync(Wire.Path($"users/{userId}"));

        Assert.Equal(HttpStatusCode.NoContent, activated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("WKS.0016", reuseError.Code());
        Assert.False(detail.GetProperty("user_detail").GetProperty("is_pre_user").GetBoolean());
        Assert.DoesNotContain(Password, mail.TextBody, StringComparison.Ordinal);
        Assert.NotNull(mail.HtmlBody);
        Assert.Contains("hana", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivationLink_Expires()
    {
        await CreateSelfActivatingAsync("ivan");
        var token = TokenOf(await WaitForMailAsync("ivan@example.com", "Activate"));

        _clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromSeconds(1));
        var (response, error) = await ActivateAsync(token, Password);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0015", error.Code());
        Assert.Contains("expired", error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActivationLink_JustBeforeExpiry_StillWorks()
    {
        await CreateSelfActivatingAsync("jun");
        var token = TokenOf(await WaitForMailAsync("jun@example.com", "Activate"));

        _clock.Advance(TimeSpan.FromHours(72) - TimeSpan.FromSeconds(1));
        var (response, _) = await ActivateAsync(token, Password);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Activation_WithAWeakPassword_IsRefused_AndTheLinkStaysUsable()
    {
        await CreateSelfActivatingAsync("kim");
        var token = TokenOf(await WaitForMailAsync("kim@example.com", "Activate"));

        var (weak, error) = await ActivateAsync(token, "kim");
        var (reversed, reversedError) = await ActivateAsync(token, "MIK");
        var (strong, _) = await ActivateAsync(token, Password);

        Assert.Equal("WKS.0003", error.Code());
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
        Assert.Equal("password", reversedError.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NoContent, strong.StatusCode);
    }

    [Fact]
    public async Task ResendingActivation_ReplacesTheOldLink()
    {
        var userId = await CreateSelfActivatingAsync("lea");
        var first = TokenOf(await WaitForMailAsync("lea@example.com", "Activate"));

        var (resent, _) = await Client.PostJsonAsync(Wire.Path($"users/{userId}/resend-email"), null);
        var second = TokenOf((await WaitForMailsAsync("lea@example.com", "Activate", 2))[1]);
        var (old, oldError) = await ActivateAsync(first, Password);
        var (fresh, _) = await ActivateAsync(second, Password);

        Assert.Equal(HttpStatusCode.NoContent, resent.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal("WKS.0016", oldError.Code());
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, fresh.StatusCode);
    }

    [Fact]
    public async Task ActivationLink_OpensThePortalsPasswordPage_AndTheOldAddressLeadsThere()
    {
        await CreateSelfActivatingAsync("page-user");
        var link = new Uri(LinkOf(await WaitForMailAsync("page-user@example.com", "Activate")));

        var page = await _server.ClientFor(null).GetAsync(new Uri(link.PathAndQuery, UriKind.Relative));
        using var noRedirects = new HttpClient(_server.CreateHandler()) { BaseAddress = new Uri("http://localhost") };
        var old = await noRedirects.GetAsync(new Uri("/activate?token=abc", UriKind.Relative));

        Assert.Equal("/portal/activate", link.AbsolutePath);
        Assert.StartsWith("#token=", link.Fragment, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        Assert.Equal("/portal/activate?token=abc", old.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ActivationLink_NamesItsAccount_WithoutUsingIt_AndReportsAUsedOrExpiredLink()
    {
        var created = _clock.GetUtcNow();
        await CreateSelfActivatingAsync("nia");
        var token = TokenOf(await WaitForMailAsync("nia@example.com", "Activate"));

        var before = await LinkAsync(token);
        var (activated, _) = await ActivateAsync(token, Password);
        var after = await LinkAsync(token);
        await CreateSelfActivatingAsync("noor");
        var other = TokenOf(await WaitForMailAsync("noor@example.com", "Activate"));
        _clock.Advance(TimeSpan.FromHours(73));
        var expired = await LinkAsync(other);

        Assert.Equal("nia", before.Value!.UserName);
        Assert.Equal(TestServer.ProjectA, before.Value.ProjectId);
        Assert.Equal(created + TimeSpan.FromHours(72), before.Value.ExpiresAt);
        Assert.Equal(HttpStatusCode.NoContent, activated.StatusCode);
        Assert.Equal("WKS.0016", after.Failure!.Code);
        Assert.Equal("WKS.0015", expired.Failure!.Code);
    }

    [Fact]
    public async Task UnknownToken_IsRefused()
    {
        var (response, error) = await ActivateAsync("dkp_" + new string('0', 64), Password);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0014", error.Code());
    }

    [Fact]
    public async Task AdministratorSetPassword_IsChangedThroughTheEndUserApi()
    {
        await Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.AdminUser("max"));

        var (wrong, wrongError) = await ChangePasswordAsync("max", "Wr0ng!pass", Password);
        var (changed, _) = await ChangePasswordAsync("MAX", "Str0ng!pass", Password);
        var (_, list) = await Client.GetJsonAsync(Wire.Path("users?user_name=max"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("WKS.0018", wrongError.Code());
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.False(list.GetProperty("users")[0].GetProperty("next_login_change_password").GetBoolean());
        Assert.Empty(Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.eml") : []);
    }

    [Fact]
    public async Task LoginDetails_AreMailedWhenAnActivatedUserGetsAReadyPool_NeverWithAPassword()
    {
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(Wire.PoolRequest("ready-pool", 1)));
        var poolId = (await Client.PoolByNameAsync("ready-pool")).GetProperty("id").GetString();
        var userId = await CreateSelfActivatingAsync("nia");
        await ActivateAsync(TokenOf(await WaitForMailAsync("nia@example.com", "Activate")), Password);

        await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[] { new { object_id = userId, object_name = "nia", object_type = "USER", user_group = "users" } },
        });
        var mail = await WaitForMailAsync("nia@example.com", "ready-pool");

        Assert.Equal("Your desktops in ready-pool are ready", mail.Subject);
        Assert.Contains("Username:       nia", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5080", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoiningAnAuthorisedGroup_MailsTheLoginDetails()
    {
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(Wire.PoolRequest("group-pool", 1)));
        var poolId = (await Client.PoolByNameAsync("group-pool")).GetProperty("id").GetString();
        await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "finance", platform_type = "LOCAL" });
        var (_, groups) = await Client.GetJsonAsync(Wire.Path("groups?keyword=finance"));
        var groupId = groups.GetProperty("user_groups")[0].GetProperty("id").GetString();
        await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[] { new { object_id = groupId, object_name = "finance", object_type = "USER_GROUP", user_group = "users" } },
        });
        var user = UserRulesTests.AdminUser("pia");
        user["user_email"] = "pia@example.com";
        var (_, created) = await Client.PostJsonAsync(Wire.Path("users"), user);

        await Client.PostJsonAsync(Wire.Path($"groups/{groupId}/actions"),
            new { op_type = "ADD", user_ids = new[] { created.GetProperty("id").GetString() } });

        Assert.Equal("Your desktops in group-pool are ready", (await WaitForMailAsync("pia@example.com", "group-pool")).Subject);
    }

    [Fact]
    public async Task ResetLink_CannotBeUsedByALockedUser_AndTheOldPasswordStopsWorking()
    {
        var user = UserRulesTests.AdminUser("rosa");
        user["user_email"] = "rosa@example.com";
        var (_, created) = await Client.PostJsonAsync(Wire.Path("users"), user);
        var id = created.GetProperty("id").GetString();

        await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "RESET_PWD" });
        var token = TokenOf(await WaitForMailAsync("rosa@example.com", "Reset"));
        var (oldPassword, oldPasswordError) = await ChangePasswordAsync("rosa", "Str0ng!pass", Password);
        await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "LOCK" });
        var (whileLocked, lockedError) = await ActivateAsync(token, Password);
        await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "UNLOCK" });
        var (afterUnlock, _) = await ActivateAsync(token, Password);

        // Until the link is used the account has no password at all, as sign-in would say too.
        Assert.Equal(HttpStatusCode.Forbidden, oldPassword.StatusCode);
        Assert.Equal("WKS.0024", oldPasswordError.Code());
        Assert.Equal(HttpStatusCode.Forbidden, whileLocked.StatusCode);
        Assert.Equal("WKS.0020", lockedError.Code());
        Assert.Equal(HttpStatusCode.NoContent, afterUnlock.StatusCode);
    }

    [Fact]
    public async Task LoginDetails_ReachUsersAuthorisedAtPurchase_WhenProvisioningEnds()
    {
        await Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.AdminUser("omar"));
        var (_, list) = await Client.GetJsonAsync(Wire.Path("users?user_name=omar"));
        var userId = list.GetProperty("users")[0].GetProperty("id").GetString();
        await Client.CallAsync(HttpMethod.Put, Wire.Path($"users/{userId}"), new { user_email = "omar@example.com" });
        var request = Wire.PoolRequest("bought-with-users", 2);
        request["authorized_objects"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["object_id"] = userId, ["object_name"] = "omar", ["object_type"] = "USER", ["user_group"] = "users",
        });

        await Client.WaitForJobAsync(await Client.CreatePoolAsync(request));
        var mail = await WaitForMailAsync("omar@example.com", "bought-with-users");

        Assert.Contains("bought-with-users", mail.Subject, StringComparison.Ordinal);
        Assert.Single(await WaitForMailsAsync("omar@example.com", "bought-with-users", 1));
    }

    private async Task<string> CreateSelfActivatingAsync(string name)
    {
        var (response, body) = await Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.SelfUser(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return body.GetProperty("id").GetString()!;
    }

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> ActivateAsync(string token, string password) =>
        _server.ClientFor(null).PostJsonAsync("/v2/end-user/activate", new { token, password });

    private async Task<Deskpool.Core.Validation.Outcome<Deskpool.Core.Users.ActivationLink>> LinkAsync(string token)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Deskpool.Core.Users.UserService>()
            .ActivationLinkAsync(token, CancellationToken.None);
    }

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> ChangePasswordAsync(
        string user, string oldPassword, string newPassword) =>
        _server.ClientFor(null).PostJsonAsync("/v2/end-user/password",
            new { project_id = TestServer.ProjectA, user_name = user, old_password = oldPassword, new_password = newPassword });

    private static string LinkOf(MimeMessage mail) =>
        Regex.Match(mail.TextBody ?? "", @"http://\S+/activate#token=\S+").Value;

    private static string TokenOf(MimeMessage mail) => Uri.UnescapeDataString(LinkToken().Match(mail.TextBody ?? "").Groups[1].Value);

    private async Task<MimeMessage> WaitForMailAsync(string to, string subjectPart) =>
        (await WaitForMailsAsync(to, subjectPart, 1))[0];

    /// <summary>Reads the .eml files the embedded outbox transport wrote, oldest first.</summary>
    private async Task<List<MimeMessage>> WaitForMailsAsync(string to, string subjectPart, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var mails = (Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.eml") : [])
                .Select(f => MimeMessage.Load(f))
                .Where(m => m.To.Mailboxes.Any(b => b.Address == to) && (m.Subject ?? "").Contains(subjectPart, StringComparison.Ordinal))
                .OrderBy(m => m.Date).ThenBy(m => m.MessageId, StringComparer.Ordinal)
                .ToList();
            if (mails.Count >= count)
            {
                return mails;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} mail(s) to {to} about '{subjectPart}', found {mails.Count}.");
            await Task.Delay(50);
        }
    }
}
