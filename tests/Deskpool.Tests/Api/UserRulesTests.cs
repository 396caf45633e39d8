using System.Net;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>Every user rule, through the real pipeline, on the single and the batch path alike.</summary>
public sealed class UserRulesTests(UserRulesTests.Server fixture) : IClassFixture<UserRulesTests.Server>
{
    private const string GoodPassword = "Str0ng!pass";

    private HttpClient Client => fixture.Instance.Client;

    public sealed class Server : IAsyncLifetime
    {
        public TestServer Instance { get; private set; } = null!;

        public async Task InitializeAsync() => Instance = await TestServer.StartAsync();

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }

    [Theory]
    [InlineData("a")]
    [InlineData("12345")]
    [InlineData("mei.lin-2_x")]
    [InlineData("abcdefghij0123456789")]
    public async Task UserName_WithinTheRules_IsAccepted(string name)
    {
        var (response, body) = await CreateAsync(AdminUser(name));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(32, body.GetProperty("id").GetString()!.Length);
    }

    [Theory]
    [InlineData("", "WKS.0002")]
    [InlineData("abcdefghij01234567890", "WKS.0003")]
    [InlineData(".dot-first", "WKS.0004")]
    [InlineData("_under", "WKS.0004")]
    [InlineData("ends.", "WKS.0004")]
    [InlineData("ends_", "WKS.0004")]
    [InlineData("has space", "WKS.0004")]
    [InlineData("ümlaut", "WKS.0004")]
    [InlineData("semi;colon", "WKS.0004")]
    public async Task UserName_BreakingARule_IsRefused(string name, string code)
    {
        var (response, error) = await CreateAsync(AdminUser(name));

        AssertRefused(response, error, code, "user_name");
    }

    [Fact]
    public async Task UserName_DifferingOnlyInCaseOrWidth_IsADuplicate()
    {
        var (first, _) = await CreateAsync(AdminUser("wei.zhang"));
        var (second, error) = await CreateAsync(AdminUser("Wei.Zhang"));
        var (third, fullWidth) = await CreateAsync(AdminUser("ｗｅｉ．ｚｈａｎｇ"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("WKS.0009", error.Code());
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal("WKS.0009", fullWidth.Code());
        var (_, list) = await Client.GetJsonAsync(Wire.Path("users?user_name=wei.zhang"));
        Assert.Equal(1, list.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Email_DifferingOnlyInCase_IsADuplicate()
    {
        var first = AdminUser("email-one");
        first["user_email"] = "Same.Person@example.com";
        var second = AdminUser("email-two");
        second["user_email"] = "same.person@EXAMPLE.com";

        await CreateAsync(first);
        var (response, error) = await CreateAsync(second);

        AssertRefused(response, error, "WKS.0013", "user_email", HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a@b")]
    [InlineData("two@@example.com")]
    [InlineData("space in@example.com")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789abcdefgh@example.com")]
    public async Task Email_Invalid_IsRefused(string email)
    {
        var user = AdminUser($"bad-mail{email.Length}");
        user["user_email"] = email;

        var (response, error) = await CreateAsync(user);

        AssertRefused(response, error, email.Length > 55 ? "WKS.0003" : "WKS.0004", "user_email");
    }

    [Fact]
    public async Task Email_IsRequired_ForUserActivation()
    {
        var (response, error) = await CreateAsync(new JsonObject { ["user_name"] = "no-mail", ["active_type"] = "USER_ACTIVATE" });

        AssertRefused(response, error, "WKS.0002", "user_email");
    }

    [Theory]
    [InlineData("+86 138-0013-8000")]
    [InlineData("13800138000")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+1/555/0100123")]
    public async Task Mobile_InTheAllowedForms_IsAccepted(string phone)
    {
        var user = AdminUser($"phone{phone.Count(char.IsDigit)}{phone.Length}");
        user["user_phone"] = phone;

        var (response, _) = await CreateAsync(user);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("23800138000")]
    [InlineData("1380013800")]
    [InlineData("+12")]
    [InlineData("86+13800138000")]
    [InlineData("+86 138 0013 800a")]
    [InlineData("+86 138 0013 8000 1234 5")]
    public async Task Mobile_OutsideTheAllowedForms_IsRefused(string phone)
    {
        var user = AdminUser("badphone");
        user["user_phone"] = phone;

        var (response, error) = await CreateAsync(user);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("user_phone", error.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("Abcdef1!")]
    [InlineData("abcdef12!")]
    [InlineData("ABCDEF12!")]
    [InlineData("Abcdefgh12345678901234567890123!")]
    public async Task Password_MeetingTheRules_IsAccepted(string password)
    {
        var user = AdminUser($"pw{password.Length}{char.IsUpper(password[0])}{password[^1]}".Replace("!", "x", StringComparison.Ordinal));
        user["password"] = password;

        var (response, error) = await CreateAsync(user);

        Assert.True(response.StatusCode == HttpStatusCode.Created, error.ToString());
    }

    [Theory]
    [InlineData("Abc1!", "WKS.0003")]
    [InlineData("Abcdefgh12345678901234567890123!x", "WKS.0003")]
    [InlineData("abcdefgh", "WKS.0004")]
    [InlineData("abcdefg1", "WKS.0004")]
    [InlineData("Abcdefg 1", "WKS.0004")]
    [InlineData("Abcdefg#1", "WKS.0004")]
    [InlineData("Pwuser-01", "WKS.0004")]
    [InlineData("10-resuwp", "WKS.0004")]
    public async Task Password_BreakingARule_IsRefused(string password, string code)
    {
        var user = AdminUser("pwuser-01");
        user["password"] = password;

        var (response, error) = await CreateAsync(user);

        AssertRefused(response, error, code, "password");
    }

    [Fact]
    public async Task Password_IsRequired_ForAdministratorActivation_AndRefusedForUserActivation()
    {
        var admin = AdminUser("admin-nopw");
        admin.Remove("password");
        var self = SelfUser("self-pw");
        self["password"] = GoodPassword;

        var (adminResponse, adminError) = await CreateAsync(admin);
        var (selfResponse, selfError) = await CreateAsync(self);

        AssertRefused(adminResponse, adminError, "WKS.0002", "password");
        AssertRefused(selfResponse, selfError, "WKS.0005", "password");
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("2099-12-31T23:59:59Z", true)]
    [InlineData("2099-12-31T23:59:59.000Z", true)]
    [InlineData("2001-01-01T00:00:00Z", false)]
    [InlineData("2099-12-31", false)]
    [InlineData("tomorrow", false)]
    public async Task Expiry_IsNeverOrAFutureUtcTime(string expires, bool accepted)
    {
        var user = AdminUser($"exp{expires.Length}{(accepted ? "y" : "n")}{expires[0]}");
        user["account_expires"] = expires;

        var (response, error) = await CreateAsync(user);

        if (accepted)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("account_expires", error.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task BatchCreate_WithOneBadRow_CreatesNothing_AndNamesTheRow()
    {
        var rows = new JsonArray(AdminUser("batch-ok-1"), AdminUser("batch bad"), AdminUser("batch-ok-2"));

        var (response, error) = await Client.PostJsonAsync(Wire.Path("users/batch-create"), new JsonObject { ["users"] = rows });

        AssertRefused(response, error, "WKS.0004", "users[1].user_name");
        var (_, list) = await Client.GetJsonAsync(Wire.Path("users?user_name=batch-ok"));
        Assert.Equal(0, list.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task BatchCreate_WithDuplicatesInsideTheBatch_IsRefused()
    {
        var rows = new JsonArray(AdminUser("twin"), AdminUser("TWIN"));

        var (response, error) = await Client.PostJsonAsync(Wire.Path("users/batch-create"), new JsonObject { ["users"] = rows });

        AssertRefused(response, error, "WKS.0009", "users[1].user_name", HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task BatchCreate_TwoHundredRows_IsAccepted_ButNotTwoHundredAndOne()
    {
        var tooMany = new JsonArray(Enumerable.Range(0, 201).Select(i => (JsonNode)AdminUser($"many-{i}")).ToArray());
        var (refused, error) = await Client.PostJsonAsync(Wire.Path("users/batch-create"), new JsonObject { ["users"] = tooMany });
        AssertRefused(refused, error, "WKS.0003", "users");

        var enough = new JsonArray(Enumerable.Range(0, 200).Select(i => (JsonNode)AdminUser($"many-{i}")).ToArray());
        var (accepted, _) = await Client.PostJsonAsync(Wire.Path("users/batch-create"), new JsonObject { ["users"] = enough });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var (_, list) = await Client.GetJsonAsync(Wire.Path("users?user_name=many-&limit=1"));
        Assert.Equal(200, list.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Update_ChecksTheSameRules_AsCreation()
    {
        var (_, created) = await CreateAsync(AdminUser("update-me"));
        var id = created.GetProperty("id").GetString();

        var (bad, error) = await Client.CallAsync(HttpMethod.Put, Wire.Path($"users/{id}"), new { user_email = "nope" });
        var (good, _) = await Client.CallAsync(HttpMethod.Put, Wire.Path($"users/{id}"),
            new { user_email = "update.me@example.com", description = "moved", disabled = true });

        AssertRefused(bad, error, "WKS.0004", "user_email");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var (_, detail) = await Client.GetJsonAsync(Wire.Path($"users/{id}"));
        Assert.Equal("update.me@example.com", detail.GetProperty("user_detail").GetProperty("user_email").GetString());
        Assert.True(detail.GetProperty("user_detail").GetProperty("disabled").GetBoolean());
    }

    [Theory]
    [InlineData("user_name", "\"renamed\"")]
    [InlineData("password", "\"Xyz!2026abcd\"")]
    public async Task Update_OfNameOrPassword_IsRefused_NotIgnored(string field, string json)
    {
        var (_, created) = await CreateAsync(AdminUser($"fixed-{field.Length}"));
        var id = created.GetProperty("id").GetString();

        var (response, error) = await Client.CallAsync(HttpMethod.Put, Wire.Path($"users/{id}"), $"{{\"{field}\":{json}}}");

        AssertRefused(response, error, "WKS.0005", field);
    }

    [Fact]
    public async Task LockedUser_CannotChangeThePassword()
    {
        var (_, created) = await CreateAsync(AdminUser("locked-out"));
        await Client.PostJsonAsync(Wire.Path($"users/{created.GetProperty("id").GetString()}/actions"), new { op_type = "LOCK" });

        var (response, error) = await fixture.Instance.ClientFor(null).PostJsonAsync("/v2/end-user/password", new
        {
            project_id = TestServer.ProjectA, user_name = "locked-out", old_password = GoodPassword, new_password = "An0ther!pass",
        });

        // The current password is checked as at sign-in, which names the lock with its own code.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("WKS.0021", error.Code());
    }

    [Fact]
    public async Task Description_WithControlCharacters_IsRefused()
    {
        var user = AdminUser("ctrl-chars");
        user["description"] = "a\u0000b\u001b[31m";

        var (response, error) = await CreateAsync(user);

        AssertRefused(response, error, "WKS.0004", "description");
    }

    [Fact]
    public async Task LockAndUnlock_AreReflectedInTheDetail()
    {
        var (_, created) = await CreateAsync(AdminUser("lockable"));
        var id = created.GetProperty("id").GetString();

        var (locked, _) = await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "LOCK" });
        var (_, afterLock) = await Client.GetJsonAsync(Wire.Path($"users/{id}"));
        await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "UNLOCK" });
        var (_, afterUnlock) = await Client.GetJsonAsync(Wire.Path($"users/{id}"));
        var (bad, error) = await Client.PostJsonAsync(Wire.Path($"users/{id}/actions"), new { op_type = "SMASH" });

        Assert.Equal(HttpStatusCode.NoContent, locked.StatusCode);
        Assert.True(afterLock.GetProperty("user_detail").GetProperty("locked").GetBoolean());
        Assert.False(afterUnlock.GetProperty("user_detail").GetProperty("locked").GetBoolean());
        AssertRefused(bad, error, "WKS.0004", "op_type");
    }

    [Fact]
    public async Task Delete_RemovesTheUser_AndUnknownIdsAreNotFound()
    {
        var (_, created) = await CreateAsync(AdminUser("short-lived"));
        var id = created.GetProperty("id").GetString();

        var (deleted, _) = await Client.CallAsync(HttpMethod.Delete, Wire.Path($"users/{id}"));
        var (missing, error) = await Client.GetJsonAsync(Wire.Path($"users/{id}"));
        var (batch, batchError) = await Client.PostJsonAsync(Wire.Path("users/batch-delete"), new { user_ids = new[] { "ghost" } });

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("WKS.00170312", error.Code());
        Assert.Equal(HttpStatusCode.NotFound, batch.StatusCode);
        Assert.Equal("WKS.00170312", batchError.Code());
    }

    [Fact]
    public async Task UsersOfAnotherProject_AreInvisible()
    {
        var (_, created) = await CreateAsync(AdminUser("private-one"));
        var other = fixture.Instance.ClientFor(TestServer.TokenB);

        var (crossPath, _) = await other.GetJsonAsync(Wire.Path($"users/{created.GetProperty("id").GetString()}"));
        var (ownPath, error) = await other.GetJsonAsync(Wire.Path($"users/{created.GetProperty("id").GetString()}", TestServer.ProjectB));

        Assert.Equal(HttpStatusCode.Forbidden, crossPath.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ownPath.StatusCode);
        Assert.Equal("WKS.00170312", error.Code());
    }

    internal static JsonObject AdminUser(string name) => new()
    {
        ["user_name"] = name,
        ["active_type"] = "ADMIN_ACTIVATE",
        ["password"] = GoodPassword,
    };

    internal static JsonObject SelfUser(string name) => new()
    {
        ["user_name"] = name,
        ["user_email"] = $"{name}@example.com",
        ["active_type"] = "USER_ACTIVATE",
    };

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> CreateAsync(JsonObject user) =>
        Client.PostJsonAsync(Wire.Path("users"), user);

    private static void AssertRefused(
        HttpResponseMessage response, System.Text.Json.JsonElement error, string code, string field,
        HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, error.Code());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(field.Split('.')[^1].Split('[')[0], error.Message(), StringComparison.Ordinal);
    }
}
