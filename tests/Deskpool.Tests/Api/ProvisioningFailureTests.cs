using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>How provisioning fails: per desktop, with causes, and never reported as success.</summary>
public sealed class ProvisioningFailureTests
{
    [Fact]
    public async Task ZoneCapacity_FailsTheDesktopsBeyondIt_AndTheJobEndsPartiallyFailed()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:ZoneCapacity:region-1a"] = "3",
        });
        var request = Wire.PoolRequest("capped", size: 5);
        request["availability_zone"] = Wire.ZoneA;

        var job = await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(request));

        Assert.Equal("FAIL", job.GetProperty("status").GetString());
        Assert.Equal("PARTIAL_FAILED", job.GetProperty("result").GetString());
        Assert.Equal(3, job.GetProperty("success_num").GetInt32());
        Assert.Equal(2, job.GetProperty("fail_num").GetInt32());
        Assert.StartsWith("2 of 5 desktop(s) failed", job.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        var failed = job.GetProperty("sub_jobs").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "FAILED").ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, s =>
        {
            Assert.Equal("WKS.00100001", s.GetProperty("error_code").GetString());
            Assert.Contains("Insufficient capacity in availability zone region-1a", s.GetProperty("fail_reason").GetString(),
                StringComparison.Ordinal);
        });
        var pool = await server.Client.PoolByNameAsync("capped");
        Assert.Equal("STEADY", pool.GetProperty("status").GetString());
        Assert.Equal(2, pool.GetProperty("error_desktop_num").GetInt32());
        Assert.Contains("2 of 5", pool.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        var desktops = await server.Client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.Equal(2, desktops.Count(d => d.GetProperty("status").GetString() == "ERROR"
            && d.GetProperty("fail_reason").GetString()!.Contains("Insufficient capacity", StringComparison.Ordinal)));
        Assert.Equal(3, server.Driver.CountMachines());
    }

    [Fact]
    public async Task FullSubnet_FailsTheDesktopsWithoutAddress_WithAClearCause()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Catalog:Vpcs:2:Id"] = "tiny-vpc",
            ["Deskpool:Catalog:Vpcs:2:Name"] = "tiny",
            ["Deskpool:Catalog:Vpcs:2:Cidr"] = "172.30.0.0/16",
            ["Deskpool:Catalog:Vpcs:2:Subnets:0:Id"] = "tiny-subnet",
            ["Deskpool:Catalog:Vpcs:2:Subnets:0:Name"] = "tiny",
            ["Deskpool:Catalog:Vpcs:2:Subnets:0:Cidr"] = "172.30.0.0/29",
        });
        var request = Wire.PoolRequest("crowded", size: 6);
        request.Remove("vpc_id");
        request["subnet_ids"] = new System.Text.Json.Nodes.JsonArray("tiny-subnet");

        var job = await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(request));

        // A /29 has 8 addresses; network, gateway, DHCP and broadcast are reserved, 4 remain.
        Assert.Equal("FAIL", job.GetProperty("status").GetString());
        Assert.Equal(4, job.GetProperty("success_num").GetInt32());
        Assert.Equal(2, job.GetProperty("fail_num").GetInt32());
        var pool = await server.Client.PoolByNameAsync("crowded");
        var desktops = await server.Client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        var addresses = desktops.Where(d => d.GetProperty("status").GetString() == "ACTIVE")
            .Select(d => d.GetProperty("ipv4").GetString()).Order().ToList();
        Assert.Equal(["172.30.0.3", "172.30.0.4", "172.30.0.5", "172.30.0.6"], addresses);
        var starved = desktops.Where(d => d.GetProperty("status").GetString() == "ERROR").ToList();
        Assert.Equal(2, starved.Count);
        Assert.All(starved, d =>
        {
            Assert.Equal("WKS.0011", d.GetProperty("error_code").GetString());
            Assert.Contains("No free address", d.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task FailingImage_FailsEveryDesktop_AndLeavesThePoolInError()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:FailingImageIds:0"] = Wire.WindowsImage,
        });

        var job = await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(Wire.PoolRequest("broken", 3)));

        Assert.Equal("FAIL", job.GetProperty("status").GetString());
        Assert.Equal("FAILED", job.GetProperty("result").GetString());
        Assert.Equal("WKS.00100002", job.GetProperty("job_error_code").GetString());
        var pool = await server.Client.PoolByNameAsync("broken");
        Assert.Equal("ERROR", pool.GetProperty("status").GetString());
        Assert.Contains("could not be read", pool.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureRate_UnderOneSeed_FailsTheSameDesktopsEveryTime()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:FailureRate"] = "0.5",
            ["Deskpool:Drivers:Simulated:Seed"] = "42",
        };

        var first = await FailedNamesAsync(settings);
        var second = await FailedNamesAsync(settings);

        Assert.NotEmpty(first);
        Assert.True(first.Count < 12, "a rate of one half should not fail all twelve desktops");
        Assert.Equal(first, second);
    }

    private static async Task<List<string>> FailedNamesAsync(Dictionary<string, string?> settings)
    {
        await using var server = await TestServer.StartAsync(settings);
        var job = await server.Client.WaitForJobAsync(await server.Client.CreatePoolAsync(Wire.PoolRequest("seeded", 12)));
        return job.GetProperty("sub_jobs").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "FAILED")
            .Select(s => s.GetProperty("desktop_name").GetString()!).Order().ToList();
    }
}
