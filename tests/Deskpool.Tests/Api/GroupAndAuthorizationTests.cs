using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

public sealed class GroupAndAuthorizationTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("finance.team-1_A", "LOCAL", HttpStatusCode.Created, null)]
    [InlineData("CN=Finance", "AD", HttpStatusCode.BadRequest, "WKS.0004")]
    [InlineData("", "LOCAL", HttpStatusCode.BadRequest, "WKS.0002")]
    [InlineData("team", "LDAP", HttpStatusCode.BadRequest, "WKS.0004")]
    public async Task CreateGroup_EnforcesNameAndType(string name, string platform, HttpStatusCode status, string? code)
    {
        var (response, body) = await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = name, platform_type = platform });

        Assert.Equal(status, response.StatusCode);
        if (code is not null)
        {
            Assert.Equal(code, body.Code());
        }
    }

    [Fact]
    public async Task GroupName_Of65Characters_IsRefused_And64Accepted()
    {
        var (tooLong, error) = await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = new string('g', 65), platform_type = "LOCAL" });
        var (fits, _) = await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = new string('g', 64), platform_type = "LOCAL" });

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("WKS.0003", error.Code());
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Fact]
    public async Task GroupName_DifferingOnlyInCase_IsADuplicate()
    {
        await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "Ops", platform_type = "LOCAL" });

        var (response, error) = await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "OPS", platform_type = "AD" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("WKS.0009", error.Code());
    }

    [Fact]
    public async Task Members_AreAddedListedAndRemoved()
    {
        var groupId = await GroupAsync("members");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");

        var (added, _) = await Client.PostJsonAsync(Wire.Path($"groups/{groupId}/actions"), new { op_type = "ADD", user_ids = new[] { alice, bob } });
        var (_, members) = await Client.GetJsonAsync(Wire.Path($"groups/{groupId}/users"));
        var (_, groups) = await Client.GetJsonAsync(Wire.Path("groups?keyword=members"));
        await Client.PostJsonAsync(Wire.Path($"groups/{groupId}/actions"), new { op_type = "DELETE", user_ids = new[] { alice } });
        var (_, after) = await Client.GetJsonAsync(Wire.Path($"groups/{groupId}/users"));
        var (_, bobDetail) = await Client.GetJsonAsync(Wire.Path($"users/{bob}"));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(2, members.GetProperty("total_count").GetInt32());
        Assert.Equal(2, groups.GetProperty("user_groups")[0].GetProperty("user_quantity").GetInt32());
        Assert.Equal(["bob"], after.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user_name").GetString()));
        Assert.Equal(["members"], bobDetail.GetProperty("user_detail").GetProperty("group_names").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task AdGroups_CannotBeRenamed()
    {
        await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = "Domain-Sales", platform_type = "AD" });
        var (_, list) = await Client.GetJsonAsync(Wire.Path("groups?platform_type=AD"));
        var id = list.GetProperty("user_groups")[0].GetProperty("id").GetString();

        var (response, error) = await Client.CallAsync(HttpMethod.Put, Wire.Path($"groups/{id}"), new { group_name = "Sales" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0005", error.Code());
    }

    [Fact]
    public async Task Authorize_WithThePoolsPermissionGroups_AndListThem()
    {
        var poolId = await PoolAsync("auth-pool");
        var alice = await UserAsync("alice");
        var groupId = await GroupAsync("engineers");

        var (response, _) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new object[]
            {
                new { object_id = alice, object_name = "alice", object_type = "USER", user_group = "administrators" },
                new { object_id = groupId, object_name = "engineers", object_type = "USER_GROUP", user_group = "users" },
            },
        });
        var listed = await AuthorizedAsync(poolId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(2, listed.GetProperty("total_count").GetInt32());
        Assert.Contains(listed.GetProperty("objects").EnumerateArray(), o =>
            o.GetProperty("object_name").GetString() == "engineers" && o.GetProperty("object_type").GetString() == "USER_GROUP"
            && o.GetProperty("user_group").GetString() == "users");
    }

    [Theory]
    [InlineData("sudo")]
    [InlineData("default")]
    [InlineData("root")]
    public async Task Authorize_WithAPermissionGroupThatDoesNotFitWindows_IsRefused(string permission)
    {
        var poolId = await PoolAsync("win-pool");
        var alice = await UserAsync("alice");

        var (response, error) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[] { new { object_id = alice, object_name = "alice", object_type = "USER", user_group = permission } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0017", error.Code());
        Assert.Equal("objects[0].user_group", error.GetProperty("field").GetString());
        Assert.Contains("administrators or users", error.Message(), StringComparison.Ordinal);
        Assert.Equal(0, (await AuthorizedAsync(poolId)).GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task LinuxPool_TakesSudoAndDefault_ButNotWindowsGroups()
    {
        var request = Wire.PoolRequest("linux-pool", 0);
        request["charging_mode"] = "0";
        request["image_id"] = Wire.LinuxImage;
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(request));
        var poolId = (await Client.PoolByNameAsync("linux-pool")).GetProperty("id").GetString()!;
        var alice = await UserAsync("alice");

        var (wrong, error) = await AuthorizeAsync(poolId, "ADD", alice, "alice", "administrators");
        var (right, _) = await AuthorizeAsync(poolId, "ADD", alice, "alice", "sudo");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("sudo or default", error.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
    }

    [Fact]
    public async Task ChangePrivilege_AndRemove_WorkOnAuthorisedObjectsOnly()
    {
        var poolId = await PoolAsync("privileges");
        var alice = await UserAsync("alice");
        await AuthorizeAsync(poolId, "ADD", alice, "alice", "users");

        var (again, againError) = await AuthorizeAsync(poolId, "ADD", alice, "alice", "administrators");
        var (changed, _) = await AuthorizeAsync(poolId, "CHANGE_PRIVILEGE", alice, "alice", "administrators");
        var afterChange = await AuthorizedAsync(poolId);
        var (removed, _) = await AuthorizeAsync(poolId, "REMOVE", alice, "alice", null);
        var (removedAgain, missing) = await AuthorizeAsync(poolId, "REMOVE", alice, "alice", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("CHANGE_PRIVILEGE", againError.Message(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal("administrators", afterChange.GetProperty("objects")[0].GetProperty("user_group").GetString());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, removedAgain.StatusCode);
        Assert.Equal("WKS.0007", missing.Code());
    }

    [Fact]
    public async Task Authorize_UnknownUser_OrWrongName_IsRefused()
    {
        var poolId = await PoolAsync("strict-names");
        var alice = await UserAsync("alice");

        var (unknown, unknownError) = await AuthorizeAsync(poolId, "ADD", "ghost", "ghost", "users");
        var (misnamed, misnamedError) = await AuthorizeAsync(poolId, "ADD", alice, "bob", "users");

        Assert.Equal("WKS.0007", unknownError.Code());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("WKS.0006", misnamedError.Code());
        Assert.Equal(HttpStatusCode.BadRequest, misnamed.StatusCode);
    }

    [Fact]
    public async Task CreatePool_MayCarryAuthorizedObjects_AndAWrongOneRefusesThePurchase()
    {
        var alice = await UserAsync("alice");
        var bad = Wire.PoolRequest("carried-bad", 1);
        bad["authorized_objects"] = new JsonArray(new JsonObject
        {
            ["object_id"] = alice, ["object_name"] = "alice", ["object_type"] = "USER", ["user_group"] = "sudo",
        });
        var good = Wire.PoolRequest("carried", 1);
        good["authorized_objects"] = new JsonArray(new JsonObject
        {
            ["object_id"] = alice, ["object_name"] = "alice", ["object_type"] = "USER", ["user_group"] = "users",
        });

        var (refused, error) = await Client.PostJsonAsync(Wire.Path("desktop-pools"), bad);
        var job = await Client.WaitForJobAsync(await Client.CreatePoolAsync(good));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("authorized_objects[0].user_group", error.GetProperty("field").GetString());
        var (_, none) = await Client.GetJsonAsync(Wire.Path("desktop-pools?name=carried-bad"));
        Assert.Equal(0, none.GetProperty("total_count").GetInt32());
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        var poolId = (await Client.PoolByNameAsync("carried")).GetProperty("id").GetString()!;
        Assert.Equal(1, (await AuthorizedAsync(poolId)).GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Authorize_TheSameObjectTwiceInOneRequest_IsRefused_NotAServerError()
    {
        var poolId = await PoolAsync("twice");
        var alice = await UserAsync("alice");

        var (response, error) = await Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action = "ADD",
            objects = new[]
            {
                new { object_id = alice, object_type = "USER", user_group = "users" },
                new { object_id = alice, object_type = "USER", user_group = "administrators" },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("WKS.0005", error.Code());
        Assert.Equal("objects[1].object_id", error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task DeletingAUser_RemovesItsAuthorisations()
    {
        var poolId = await PoolAsync("cleanup");
        var alice = await UserAsync("alice");
        await AuthorizeAsync(poolId, "ADD", alice, "alice", "users");

        await Client.CallAsync(HttpMethod.Delete, Wire.Path($"users/{alice}"));

        Assert.Equal(0, (await AuthorizedAsync(poolId)).GetProperty("total_count").GetInt32());
    }

    private async Task<string> PoolAsync(string name)
    {
        await Client.WaitForJobAsync(await Client.CreatePoolAsync(Wire.PoolRequest(name, 0)));
        return (await Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private async Task<string> UserAsync(string name)
    {
        var (response, body) = await Client.PostJsonAsync(Wire.Path("users"), UserRulesTests.AdminUser(name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return body.GetProperty("id").GetString()!;
    }

    private async Task<string> GroupAsync(string name)
    {
        await Client.PostJsonAsync(Wire.Path("groups"), new { group_name = name, platform_type = "LOCAL" });
        var (_, list) = await Client.GetJsonAsync(Wire.Path($"groups?keyword={name}"));
        return list.GetProperty("user_groups")[0].GetProperty("id").GetString()!;
    }

    private Task<(HttpResponseMessage Response, JsonElement Body)> AuthorizeAsync(
        string poolId, string action, string objectId, string objectName, string? permission) =>
        Client.PostJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"), new
        {
            action,
            objects = new[] { new { object_id = objectId, object_name = objectName, object_type = "USER", user_group = permission } },
        });

    private async Task<JsonElement> AuthorizedAsync(string poolId)
    {
        var (_, list) = await Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/users?limit=100"));
        return list;
    }
}
