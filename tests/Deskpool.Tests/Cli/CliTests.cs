using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Cli;

/// <summary>The `deskpool` client against real servers: exit codes, output formats, jobs, import, names.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task SamplePool_BoughtWithWait_OverLoopback_EndsSuccessAndListsInEveryFormat()
    {
        var dataDirectory = TestServer.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(dataDirectory, new Dictionary<string, string?>());
        var cli = new CliRunner(server.Address.ToString());

        var policy = await cli.RunAsync(
            "naming-policies", "create", "--file", CliRunner.RepositoryPath("samples", "naming-policy.json"));
        Assert.True(policy.ExitCode == 0, policy.ToString());

        var bought = await cli.RunAsync("pools", "create", "--file", CliRunner.RepositoryPath("samples", "create-pool.json"),
            "--naming-policy", "finance_desktops", "--wait");
        Assert.True(bought.ExitCode == 0, bought.ToString());
        Assert.Contains("ended SUCCESS (SUCCESS): 10 succeeded, 0 failed of 10.", bought.Out);

        var table = await cli.RunAsync("pools", "list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("finance-pool", table.Out);
        Assert.Contains("DYNAMIC", table.Out);
        Assert.Contains("workspace.x86.ultimate.large2", table.Out);

        var json = await cli.RunAsync("pools", "list", "--output", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var list = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal(1, list.GetProperty("total_count").GetInt32());
        var pool = list.GetProperty("desktop_pools")[0];
        Assert.Equal("finance-pool", pool.GetProperty("name").GetString());
        Assert.Equal(10, pool.GetProperty("desktop_count").GetInt32());

        var yaml = await cli.RunAsync("pools", "list", "-o", "yaml");
        Assert.True(yaml.ExitCode == 0, yaml.ToString());
        Assert.Contains("total_count: 1", yaml.Out);
        Assert.Contains("name: finance-pool", yaml.Out);
        Assert.Contains("desktop_count: 10", yaml.Out);
        Assert.Contains("enterprise_project_id: \"0\"", yaml.Out);

        var desktops = await cli.RunAsync("pools", "desktops", "finance-pool");
        Assert.True(desktops.ExitCode == 0, desktops.ToString());
        Assert.Contains("FIN-001", desktops.Out);
        Assert.Contains("FIN-010", desktops.Out);
    }

    [Fact]
    public async Task UsersImport_OfTheDownloadedTemplate_WithYes_CreatesTheExampleRow()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var file = Path.Combine(TestServer.NewDataDirectory(), "users.xlsx");

        var template = await cli.RunAsync("users", "template", file);
        Assert.True(template.ExitCode == 0, template.ToString());
        Assert.True(File.Exists(file));

        var imported = await cli.RunAsync("users", "import", file, "--yes");
        Assert.True(imported.ExitCode == 0, imported.ToString());
        Assert.Contains("VERDICT", imported.Out);
        Assert.Contains("Imported: 1 created, 0 failed.", imported.Out);

        var users = await cli.RunAsync("users", "list", "-o", "json");
        Assert.Equal(1, JsonDocument.Parse(users.Out).RootElement.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Yaml_OfEveryShape_IsWritten_AndAmbiguousStringsAreQuoted()
    {
        await using var server = await TestServer.StartAsync();
        var request = Wire.PoolRequest("yaml-pool", 1);
        request["description"] = "yes";
        await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(request));
        var cli = CliRunner.For(server);

        var desktops = await cli.RunAsync("pools", "desktops", "yaml-pool", "-o", "yaml");
        var pool = await cli.RunAsync("pools", "show", "yaml-pool", "-o", "yaml");

        Assert.True(desktops.ExitCode == 0, desktops.ToString());
        Assert.Contains("total_count: 1", desktops.Out);
        Assert.True(pool.ExitCode == 0, pool.ToString());
        Assert.Contains("description: \"yes\"", pool.Out);
    }

    [Fact]
    public async Task Import_OfAFileOverOneMegabyte_IsAValidationError_BeforeUploading()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var file = Path.Combine(TestServer.NewDataDirectory(), "big.xlsx");
        await File.WriteAllBytesAsync(file, new byte[(1024 * 1024) + 1]);

        var result = await cli.RunAsync("users", "import", file, "--dry-run");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("at most 1 MB", result.Err);
    }

    [Fact]
    public async Task Costs_ShowsTheReport_AndABadRangeIsAValidationError()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var table = await cli.RunAsync("costs", "--from", today);
        var json = await cli.RunAsync("costs", "--from", today, "--group-by", "project", "-o", "json");
        var invalid = await cli.RunAsync("costs", "--from", today, "--granularity", "weekly");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("TOTAL", table.Out);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("USD", JsonDocument.Parse(json.Out).RootElement.GetProperty("currency").GetString());
        Assert.Equal(3, invalid.ExitCode);
        Assert.Contains("granularity", invalid.Err);
    }

    [Fact]
    public async Task AccessKeys_AreCreatedWithTheSecretShownOnce_ListedWithout_DisabledAndDeleted()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);

        var created = await cli.RunAsync("access-keys", "create", "reporting", "--credential", "read-only", "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = JsonDocument.Parse(created.Out).RootElement.GetProperty("access_key");
        var access = key.GetProperty("access").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;

        var disabled = await cli.RunAsync("access-keys", "disable", access);
        var table = await cli.RunAsync("access-keys", "list");
        var deleted = await cli.RunAsync("access-keys", "delete", access);
        var gone = await cli.RunAsync("access-keys", "delete", access);

        Assert.Equal("READ_ONLY", key.GetProperty("role").GetString());
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Contains(access, table.Out);
        Assert.Contains("DISABLED", table.Out);
        Assert.DoesNotContain(secret, table.Out);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(4, gone.ExitCode);
    }

    [Fact]
    public async Task UsersImport_WithoutYes_WhenInputIsNotATerminal_RefusesToPromptAndCreatesNothing()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var file = Path.Combine(TestServer.NewDataDirectory(), "users.xlsx");
        await cli.RunAsync("users", "template", file);

        var refused = await cli.RunAsync("users", "import", file);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Err);
        var users = await cli.RunAsync("users", "list", "-o", "json");
        Assert.Equal(0, JsonDocument.Parse(users.Out).RootElement.GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task UsersImport_OnATerminal_CreatesOnlyAfterYes()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var file = Path.Combine(TestServer.NewDataDirectory(), "users.xlsx");
        await cli.RunAsync("users", "template", file);

        var declined = await cli.RunAsync("n\n", inputIsTerminal: true, "users", "import", file);
        var accepted = await cli.RunAsync("y\n", inputIsTerminal: true, "users", "import", file);

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Nothing imported.", declined.Err);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("[y/N]", accepted.Err);
    }

    [Fact]
    public async Task ExitCodes_ForSuccessValidationAndNotFound()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);

        var ok = await cli.RunAsync("quotas");
        var invalid = await cli.RunAsync("pools", "create", "--name", "bad", "--size", "1", "--product", Wire.Ultimate,
            "--image", Wire.WindowsImage, "--root-disk", "SAS:85", "--subnet", Wire.SubnetA, "--retention", "60");
        var missing = await cli.RunAsync("pools", "show", "no-such-pool");
        var usage = await cli.RunAsync("pools", "expand", "some-pool");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("general_instances", ok.Out);
        Assert.Equal(3, invalid.ExitCode);
        Assert.Contains("error_code: WKS.0004", invalid.Err);
        Assert.Contains("field:      root_volume.size", invalid.Err);
        Assert.Contains("request_id:", invalid.Err);
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("WKS.00020404", missing.Err);
        Assert.Equal(2, usage.ExitCode);
    }

    [Fact]
    public async Task ExitCode_ForAClosedLoopbackPort_IsUnreachable()
    {
        var cli = new CliRunner($"http://127.0.0.1:{ClosedPort()}");

        var result = await cli.RunAsync("pools", "list");

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("Cannot reach the server", result.Err);
    }

    [Fact]
    public async Task ExitCode_ForAWrongToken_IsAuthentication()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server).WithEnvironment("DESKPOOL_TOKEN", "wrong");

        var result = await cli.RunAsync("pools", "list");

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("APIG.0301", result.Err);
    }

    [Fact]
    public async Task PoolAuthorize_ByUserAndGroupName_AndUnknownNamesAreNamed()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(Wire.PoolRequest("pool-1", 1)));
        Assert.Equal(0, (await cli.RunAsync("users", "create", "mei.lin", "--email", "mei.lin@example.com")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("groups", "create", "finance")).ExitCode);
        Assert.Equal(0, (await cli.RunAsync("groups", "add-members", "finance", "mei.lin")).ExitCode);

        var added = await cli.RunAsync("pools", "authorize", "pool-1", "--user", "Mei.Lin", "--group", "finance",
            "--permission", "users");
        var changed = await cli.RunAsync("pools", "authorize", "pool-1", "--user", "mei.lin", "--change",
            "--permission", "administrators");
        var unknown = await cli.RunAsync("pools", "authorize", "pool-1", "--user", "nobody", "--permission", "users");
        var removed = await cli.RunAsync("pools", "authorize", "pool-1", "--group", "finance", "--remove");

        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("No user named 'nobody'", unknown.Err);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        var pool = await server.Client.PoolByNameAsync("pool-1");
        var poolId = pool.GetProperty("id").GetString();
        var (_, objects) = await server.Client.GetJsonAsync(Wire.Path($"desktop-pools/{poolId}/users"));
        var only = Assert.Single(objects.GetProperty("objects").EnumerateArray());
        Assert.Equal("administrators", only.GetProperty("user_group").GetString());
    }

    [Fact]
    public async Task Configure_WritesAProfile_ThatFlagsAndEnvironmentOverride()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server).WithEnvironment("DESKPOOL_PROJECT", null).WithEnvironment("DESKPOOL_TOKEN", null);

        var written = await cli.RunAsync("configure", "--profile", "lab", "--project", TestServer.ProjectA,
            "--token", TestServer.TokenA);
        var withProfile = await cli.RunAsync("quotas", "--profile", "lab");
        var withoutProject = await cli.RunAsync("quotas");
        var wrongTokenFlag = await cli.RunAsync("quotas", "--profile", "lab", "--token", "wrong");

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("\"lab\"", await File.ReadAllTextAsync(cli.ConfigPath));
        Assert.True(withProfile.ExitCode == 0, withProfile.ToString());
        Assert.Equal(2, withoutProject.ExitCode);
        Assert.Contains("No project id", withoutProject.Err);
        Assert.Equal(6, wrongTokenFlag.ExitCode);
    }

    [Fact]
    public async Task JobWait_WhenDesktopsFail_ExitsOneAndNamesEachCause()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:FailingImageIds:0"] = Wire.WindowsImage,
        });
        var cli = CliRunner.For(server);

        var bought = await cli.RunAsync("pools", "create", "--name", "doomed", "--size", "2", "--product", Wire.Ultimate,
            "--image", Wire.WindowsImage, "--subnet", Wire.SubnetA, "--retention", "60", "--wait");

        Assert.Equal(1, bought.ExitCode);
        Assert.Contains("ended FAIL (FAILED): 0 succeeded, 2 failed of 2.", bought.Out);
        Assert.Contains("WKS.0010000", bought.Out);
    }

    [Fact]
    public async Task PoolsCreate_FromAYamlFile_TypesPlainScalarsAndKeepsQuotedOnesText()
    {
        await using var server = await TestServer.StartAsync();
        var cli = CliRunner.For(server);
        var file = Path.Combine(TestServer.NewDataDirectory(), "pool.yaml");
        await File.WriteAllTextAsync(file, $"""
            name: yaml-pool
            type: DYNAMIC
            size: 1
            product_id: {Wire.Ultimate}
            image_type: gold
            image_id: {Wire.WindowsImage}
            root_volume:
              type: SAS
              size: 80
            subnet_ids: [{Wire.SubnetA}]
            disconnected_retention_period: 60
            enterprise_project_id: "0"
            tags:
              - key: team
                value: "007"
            """);

        var bought = await cli.RunAsync("pools", "create", "--file", file, "--wait");
        var shown = await cli.RunAsync("pools", "show", "yaml-pool", "-o", "json");

        Assert.True(bought.ExitCode == 0, bought.ToString());
        var pool = JsonDocument.Parse(shown.Out).RootElement;
        Assert.Equal(1, pool.GetProperty("desktop_count").GetInt32());
        Assert.Equal("007", pool.GetProperty("tags")[0].GetProperty("value").GetString());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
