using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Api;

/// <summary>
/// Requests signed with an access key (SDK-HMAC-SHA256) through the real pipeline, signed by a
/// client signer written from the scheme; and the access keys' own routes.
/// </summary>
public sealed class SignedRequestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static string Keys(string project = TestServer.ProjectA) => Wire.Path("access-keys", project);

    /// <summary>
    /// A credential of its own for each test (a key limit is per credential, and the server is shared),
    /// written the way the server seeds configured tokens.
    /// </summary>
    private async Task<string> NewCredentialAsync(
        CredentialRole role = CredentialRole.Administrator, string project = TestServer.ProjectA)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var credential = new ApiCredential
        {
            Id = Guid.CreateVersion7().ToString(),
            ProjectId = project,
            Name = ServerFixture.Unique("credential"),
            TokenDigest = Tokens.Digest(Tokens.NewToken()),
            Role = role,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Credentials.Add(credential);
        await db.SaveChangesAsync();
        return credential.Id;
    }

    private async Task<(string Access, string Secret)> CreateKeyAsync(
        string? credential = null, HttpClient? admin = null, string project = TestServer.ProjectA)
    {
        var body = new JsonObject
        {
            ["name"] = ServerFixture.Unique("key"),
            ["credential"] = credential ?? await NewCredentialAsync(project: project),
        };
        var (response, created) = await (admin ?? Server.Client).PostJsonAsync(Keys(project), body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Create key failed: {(int)response.StatusCode} {created}");
        var key = created.GetProperty("access_key");
        return (key.GetProperty("access").GetString()!, key.GetProperty("secret").GetString()!);
    }

    private (HttpClient Client, SdkSigner Signer) Signed(string access, string secret, Func<DateTimeOffset>? clock = null)
    {
        var signer = new SdkSigner(access, secret, clock ?? (() => DateTimeOffset.UtcNow))
        {
            InnerHandler = Server.CreateHandler(),
        };
        return (new HttpClient(signer) { BaseAddress = new Uri("http://localhost") }, signer);
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> SendRawAsync(
        HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string PolicyBody(string name, string prefix = "SG") =>
        $$"""{"policy_name":"{{name}}","name_prefix":"{{prefix}}","digit_number":3,"start_number":1,"single_domain_user_inc":1}""";

    private static string PolicyName() => ServerFixture.Unique("policy").Replace('-', '_');

    private static void AssertRefused(HttpResponseMessage response, JsonElement error, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, error.Code());
    }

    [Fact]
    public async Task SignedGet_ListsPools()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret);

        var (response, body) = await client.GetJsonAsync(Wire.Path("desktop-pools"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.TryGetProperty("desktop_pools", out _));
    }

    [Fact]
    public async Task SignedPost_WithJsonBody_CreatesAPoolAndAUser()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret);
        var pool = ServerFixture.Unique("signed-pool");

        // The Go SDK's JSON bodies end with a newline: the raw bytes are what is hashed.
        var (created, job) = await SendRawAsync(client, HttpMethod.Post, Wire.Path("desktop-pools"),
            Wire.PoolRequest(pool, 1).ToJsonString() + "\n");
        var (user, id) = await SendRawAsync(client, HttpMethod.Post, Wire.Path("users"),
            $$"""{"user_name":"{{ServerFixture.Unique("signed-user")}}","active_type":"USER_ACTIVATE","user_email":"s@example.com"}""");

        Assert.True(created.IsSuccessStatusCode, $"{(int)created.StatusCode} {job}");
        Assert.False(string.IsNullOrEmpty(job.GetProperty("job_id").GetString()));
        Assert.True(user.IsSuccessStatusCode, $"{(int)user.StatusCode} {id}");
    }

    [Fact]
    public async Task SignedPost_WithDeclaredUnsignedPayload_UsesTheDeclaredHash()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, signer) = Signed(access, secret);
        signer.DeclaredPayloadHash = "UNSIGNED-PAYLOAD";

        var (response, body) = await SendRawAsync(client, HttpMethod.Post, Wire.Path("desktop-name-policies"),
            PolicyBody(PolicyName()));

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("UNSIGNED-PAYLOAD")]
    public async Task SignedUpload_OfAWorkbook_IsReadAfterItsHashIsChecked(string? declaredHash)
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, signer) = Signed(access, secret);
        signer.DeclaredPayloadHash = declaredHash;
        var template = await Server.Client.GetByteArrayAsync(new Uri(Wire.Path("users/template"), UriKind.Relative));
        using var form = new MultipartFormDataContent { { new ByteArrayContent(template), "file", "users.xlsx" } };

        var response = await client.PostAsync(new Uri(Wire.Path("users/import"), UriKind.Relative), form);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task QueryWithOddCharacters_AndEncodedPath_Verify()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret);
        var odd = SdkSigner.Escape("一 (&=?!#%.*)") + "&name=a+b&limit=10&offset=0";

        var (listed, list) = await client.GetJsonAsync(Wire.Path($"desktop-pools?name={odd}&enterprise_project_id=0"));
        var (missing, error) = await client.GetJsonAsync(Wire.Path("desktop-pools/no%20such%3Apool~%C3%A9"));

        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"{(int)listed.StatusCode} {list}");
        // Let in, then not found: the refusal is the pool's, not the signature's.
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("WKS.", error.Code(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecret_IsRefused()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a'));

        var (response, error) = await client.GetJsonAsync(Wire.Path("desktop-pools"));

        AssertRefused(response, error, HttpStatusCode.Unauthorized, "APIG.0301");
        Assert.Contains("verify aksk signature fail", error.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedBody_IsRefused()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, signer) = Signed(access, secret);
        var policy = PolicyName();
        signer.AfterSigning = request =>
        {
            request.Content = new StringContent(PolicyBody(policy, "XX"), Encoding.UTF8, "application/json");
            return Task.CompletedTask;
        };

        var (response, error) = await SendRawAsync(client, HttpMethod.Post, Wire.Path("desktop-name-policies"),
            PolicyBody(policy));

        AssertRefused(response, error, HttpStatusCode.Unauthorized, "APIG.0301");
        var (_, policies) = await Server.Client.GetJsonAsync(Wire.Path($"desktop-name-policies?policy_name={policy}"));
        Assert.Equal(0, policies.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task ChangedSignedHeader_IsRefused_ButAChangedUnsignedHeaderIsNot()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, signer) = Signed(access, secret);
        signer.AlsoSign.Add("x-project-tag");
        using var tampered = new HttpRequestMessage(HttpMethod.Get, new Uri(Wire.Path("desktop-pools"), UriKind.Relative));
        tampered.Headers.Add("x-project-tag", "finance");
        signer.AfterSigning = request =>
        {
            request.Headers.Remove("x-project-tag");
            request.Headers.Add("x-project-tag", "payroll");
            return Task.CompletedTask;
        };
        var refused = await client.SendAsync(tampered);

        using var extra = new HttpRequestMessage(HttpMethod.Get, new Uri(Wire.Path("desktop-pools"), UriKind.Relative));
        extra.Headers.Add("x-project-tag", "finance");
        signer.AfterSigning = request =>
        {
            request.Headers.Add("x-unsigned-note", "added after signing");
            request.Headers.UserAgent.ParseAdd("changed/1.0");
            return Task.CompletedTask;
        };
        var accepted = await client.SendAsync(extra);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task MissingDate_OrMalformedAuthorization_IsRefused()
    {
        var (access, secret) = await CreateKeyAsync();
        var (noDate, signer) = Signed(access, secret);
        signer.SendDate = false;
        var (missing, missingError) = await noDate.GetJsonAsync(Wire.Path("desktop-pools"));

        var malformed = Server.ClientFor(null);
        malformed.DefaultRequestHeaders.TryAddWithoutValidation("Authorization",
            $"SDK-HMAC-SHA256 Access={access}, Signature=abc");
        var (bad, badError) = await malformed.GetJsonAsync(Wire.Path("desktop-pools"));

        AssertRefused(missing, missingError, HttpStatusCode.Unauthorized, "APIG.0301");
        Assert.Contains("X-Sdk-Date", missingError.Message(), StringComparison.Ordinal);
        AssertRefused(bad, badError, HttpStatusCode.Unauthorized, "APIG.0301");
        Assert.Contains("SignedHeaders=", badError.Message(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledKey_StopsAtOnce_AndWorksAgainWhenEnabled()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret);

        var (disable, disabled) = await Server.Client.CallAsync(HttpMethod.Put, $"{Keys()}/{access}",
            new JsonObject { ["status"] = "DISABLED" });
        var (refused, error) = await client.GetJsonAsync(Wire.Path("desktop-pools"));
        await Server.Client.CallAsync(HttpMethod.Put, $"{Keys()}/{access}", new JsonObject { ["status"] = "ENABLED" });
        var (again, _) = await client.GetJsonAsync(Wire.Path("desktop-pools"));

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal("DISABLED", disabled.GetProperty("access_key").GetProperty("status").GetString());
        AssertRefused(refused, error, HttpStatusCode.Unauthorized, "APIG.0301");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task DeletedKey_StopsAtOnce()
    {
        var (access, secret) = await CreateKeyAsync();
        var (client, _) = Signed(access, secret);
        var (before, _) = await client.GetJsonAsync(Wire.Path("desktop-pools"));

        var (deleted, _) = await Server.Client.CallAsync(HttpMethod.Delete, $"{Keys()}/{access}");
        var (after, error) = await client.GetJsonAsync(Wire.Path("desktop-pools"));
        var (again, missing) = await Server.Client.CallAsync(HttpMethod.Delete, $"{Keys()}/{access}");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        AssertRefused(after, error, HttpStatusCode.Unauthorized, "APIG.0301");
        AssertRefused(again, missing, HttpStatusCode.NotFound, "WKS.00190404");
    }

    [Fact]
    public async Task DeletedCredential_TakesItsKeysWithIt()
    {
        var credential = await NewCredentialAsync();
        var (access, secret) = await CreateKeyAsync(credential);
        var (client, _) = Signed(access, secret);

        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
            await db.Credentials.Where(c => c.Id == credential).ExecuteDeleteAsync();
        }

        var (refused, error) = await client.GetJsonAsync(Wire.Path("desktop-pools"));
        var (_, list) = await Server.Client.GetJsonAsync(Keys());
        AssertRefused(refused, error, HttpStatusCode.Unauthorized, "APIG.0301");
        Assert.DoesNotContain(list.GetProperty("access_keys").EnumerateArray(),
            k => k.GetProperty("access").GetString() == access);
    }

    [Fact]
    public async Task KeyOfAnotherProject_IsRefused()
    {
        var (access, secret) = await CreateKeyAsync(admin: Server.ClientFor(TestServer.TokenB), project: TestServer.ProjectB);
        var (client, _) = Signed(access, secret);

        var (own, _) = await client.GetJsonAsync(Wire.Path("desktop-pools", TestServer.ProjectB));
        var (other, error) = await client.GetJsonAsync(Wire.Path("desktop-pools"));
        var (change, _) = await Server.Client.CallAsync(HttpMethod.Delete, $"{Keys()}/{access}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        AssertRefused(other, error, HttpStatusCode.Forbidden, "WKS.0403");
        Assert.Equal(HttpStatusCode.NotFound, change.StatusCode);
    }

    [Fact]
    public async Task KeyOfAReadOnlyCredential_ReadsButDoesNotWrite()
    {
        var (access, secret) = await CreateKeyAsync(credential: await NewCredentialAsync(CredentialRole.ReadOnly));
        var (client, _) = Signed(access, secret);

        var (read, _) = await client.GetJsonAsync(Wire.Path("desktop-pools"));
        var (write, error) = await SendRawAsync(client, HttpMethod.Post, Wire.Path("desktop-name-policies"),
            PolicyBody(PolicyName()));
        var (keys, keysError) = await client.GetJsonAsync(Keys());

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        AssertRefused(write, error, HttpStatusCode.Forbidden, "WKS.0403");
        AssertRefused(keys, keysError, HttpStatusCode.Forbidden, "WKS.0403");
    }

    [Fact]
    public async Task Secret_IsShownOnlyAtCreation_AndStoredSealed()
    {
        var (response, created) = await Server.Client.PostJsonAsync(Keys(), new JsonObject { ["name"] = "ci pipeline" });
        var key = created.GetProperty("access_key");
        var access = key.GetProperty("access").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;
        var (client, _) = Signed(access, secret);
        await client.GetJsonAsync(Wire.Path("desktop-pools"));

        var (_, list) = await Server.Client.GetJsonAsync(Keys());
        var listed = list.GetProperty("access_keys").EnumerateArray().Single(k => k.GetProperty("access").GetString() == access);
        await using var scope = Server.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>().AccessKeys.SingleAsync(k => k.Id == access);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(40, secret.Length);
        Assert.Equal("ENABLED", key.GetProperty("status").GetString());
        Assert.Equal("ADMINISTRATOR", key.GetProperty("role").GetString());
        Assert.Equal(await OwnCredentialIdAsync(), key.GetProperty("credential_id").GetString());
        Assert.False(listed.TryGetProperty("secret", out _));
        Assert.DoesNotContain(secret, list.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("ci pipeline", listed.GetProperty("name").GetString());
        Assert.True(listed.TryGetProperty("last_used_at", out _));
        Assert.DoesNotContain(secret, row.SealedSecret, StringComparison.Ordinal);
    }

    private async Task<string> OwnCredentialIdAsync()
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ProjectService>()
            .FindCredentialAsync(TestServer.TokenA, CancellationToken.None))!.Id;
    }

    [Fact]
    public async Task ACredential_HoldsAtMostTenKeys_AndAReadOnlyOneCanHoldKeysByName()
    {
        var credential = await NewCredentialAsync();
        for (var i = 0; i < AccessKeyService.MaxKeysPerCredential; i++)
        {
            await CreateKeyAsync(credential);
        }

        var (refused, error) = await Server.Client.PostJsonAsync(Keys(), new JsonObject
        {
            ["name"] = "one too many", ["credential"] = credential,
        });
        var (byName, named) = await Server.Client.PostJsonAsync(Keys(), new JsonObject
        {
            ["name"] = "reports", ["credential"] = "read-only",
        });

        AssertRefused(refused, error, HttpStatusCode.BadRequest, "WKS.0008");
        Assert.Equal(HttpStatusCode.Created, byName.StatusCode);
        Assert.Equal("READ_ONLY", named.GetProperty("access_key").GetProperty("role").GetString());
        await Server.Client.CallAsync(HttpMethod.Delete,
            $"{Keys()}/{named.GetProperty("access_key").GetProperty("access").GetString()}");
    }

    [Fact]
    public async Task AccessKeyRoutes_AreForAdministratorsOnly_AndCheckTheirInput()
    {
        var readOnly = Server.ClientFor(TestServer.ReadOnlyTokenA);

        var (list, listError) = await readOnly.GetJsonAsync(Keys());
        var (noName, noNameError) = await Server.Client.PostJsonAsync(Keys(), new JsonObject());
        var (unknown, unknownError) = await Server.Client.PostJsonAsync(Keys(),
            new JsonObject { ["name"] = "k", ["credential"] = "nobody" });
        var (badStatus, badStatusError) = await Server.Client.CallAsync(HttpMethod.Put, $"{Keys()}/NOSUCHKEY",
            new JsonObject { ["status"] = "PAUSED" });

        AssertRefused(list, listError, HttpStatusCode.Forbidden, "WKS.0403");
        AssertRefused(noName, noNameError, HttpStatusCode.BadRequest, "WKS.0002");
        AssertRefused(unknown, unknownError, HttpStatusCode.BadRequest, "WKS.0007");
        Assert.Equal("credential", unknownError.GetProperty("field").GetString());
        AssertRefused(badStatus, badStatusError, HttpStatusCode.BadRequest, "WKS.0004");
    }

    [Fact]
    public async Task DateMoreThanFifteenMinutesOff_IsRefusedAsExpired()
    {
        var now = new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        await using var server = await TestServer.StartAsync(time: time);
        var (_, created) = await server.Client.PostJsonAsync(Keys(), new JsonObject { ["name"] = "clock" });
        var key = created.GetProperty("access_key");
        HttpClient ClientAt(TimeSpan offset) => new(new SdkSigner(key.GetProperty("access").GetString()!,
            key.GetProperty("secret").GetString()!, () => now + offset) { InnerHandler = server.CreateHandler() })
        {
            BaseAddress = new Uri("http://localhost"),
        };

        var (late, lateError) = await ClientAt(TimeSpan.FromMinutes(-16)).GetJsonAsync(Wire.Path("desktop-pools"));
        var (early, _) = await ClientAt(TimeSpan.FromMinutes(16)).GetJsonAsync(Wire.Path("desktop-pools"));
        var (within, _) = await ClientAt(TimeSpan.FromMinutes(-14)).GetJsonAsync(Wire.Path("desktop-pools"));

        AssertRefused(late, lateError, HttpStatusCode.Unauthorized, "APIG.0303");
        Assert.StartsWith("signature expired, signature time:20261204T084400Z, server time:20261204T090000Z",
            lateError.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }
}
