using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// The default catalogue plus what it lacks to reach every rule: an Arm package, a package that is
/// no longer sold, a Windows package with 2 GB of memory, and five more security groups.
/// </summary>
public sealed class ExtendedCatalogFixture : ServerFixture
{
    public const string ArmProduct = "workspace.arm.general.large2";
    public const string SoldOutProduct = "workspace.x86.legacy.large2";
    public const string SmallWindowsProduct = "workspace.x86.office.medium2";
    public const string UnknownId = "6d1f0b2e-0000-4000-8000-000000000000";

    public static readonly string[] SecurityGroups =
    [
        "6b8d0f2a-4c7e-4a9b-8d1f-3a5c7e9b1d32",
        "sg-0000000000000001",
        "sg-0000000000000002",
        "sg-0000000000000003",
        "sg-0000000000000004",
        "sg-0000000000000005",
    ];

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = Build();

    private static Dictionary<string, string?> Build()
    {
        var settings = new Dictionary<string, string?>();
        void Product(int index, string id, string architecture, int memoryMb, string status, params string[] osTypes)
        {
            var key = $"Deskpool:Catalog:Products:{index}:";
            settings[key + "ProductId"] = id;
            settings[key + "FlavorId"] = "test.flavor";
            settings[key + "Type"] = "BASE";
            settings[key + "Architecture"] = architecture;
            settings[key + "Cpu"] = "2";
            settings[key + "MemoryMb"] = $"{memoryMb}";
            settings[key + "Status"] = status;
            settings[$"Deskpool:Pricing:Packages:{id}"] = "0.1";
            for (var i = 0; i < osTypes.Length; i++)
            {
                settings[key + $"OsTypes:{i}"] = osTypes[i];
            }
        }

        Product(4, ArmProduct, "arm", 4096, "normal", "Windows", "Linux");
        Product(5, SoldOutProduct, "x86", 4096, "sellout", "Windows", "Linux");
        Product(6, SmallWindowsProduct, "x86", 2048, "normal", "Windows");
        for (var i = 1; i < SecurityGroups.Length; i++)
        {
            settings[$"Deskpool:Catalog:SecurityGroups:{i}:Id"] = SecurityGroups[i];
            settings[$"Deskpool:Catalog:SecurityGroups:{i}:Name"] = $"sg-{i}";
        }

        return settings;
    }
}

/// <summary>
/// The rules of a create-pool request that tie it to the catalogue: package, image, billing mode,
/// disks, network, availability zone and security groups.
/// </summary>
public sealed class PoolCatalogRulesTests(ExtendedCatalogFixture fixture) : IClassFixture<ExtendedCatalogFixture>
{
    private const string LargeSubnet = "2e4a6c8e-0b3d-4f5a-9c7e-6c8e0a2c4f99";
    private static readonly string Pools = Wire.Path("desktop-pools");

    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData(null, "WKS.0002")]
    [InlineData("", "WKS.0002")]
    [InlineData("workspace.x86.unknown", "WKS.0007")]
    [InlineData(ExtendedCatalogFixture.ArmProduct, "WKS.0006")]
    [InlineData(ExtendedCatalogFixture.SoldOutProduct, "WKS.0006")]
    public async Task Create_WithUnusableProduct_IsRefused(string? productId, string code)
    {
        var request = Request().WithText("product_id", productId);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, "product_id");
    }

    [Theory]
    [InlineData(null, Wire.WindowsImage, "WKS.0002", "image_type")]
    [InlineData("public", Wire.WindowsImage, "WKS.0004", "image_type")]
    [InlineData("GOLD", Wire.WindowsImage, "WKS.0004", "image_type")]
    [InlineData("gold", Wire.PrivateWindowsImage, "WKS.0006", "image_type")]
    [InlineData("private", Wire.WindowsImage, "WKS.0006", "image_type")]
    [InlineData("gold", null, "WKS.0002", "image_id")]
    [InlineData("gold", ExtendedCatalogFixture.UnknownId, "WKS.0007", "image_id")]
    public async Task Create_WithImageNotMatchingTheCatalogue_IsRefused(
        string? imageType, string? imageId, string code, string field)
    {
        var request = Request()
            .WithText("image_type", imageType)
            .WithText("image_id", imageId);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, field);
    }

    [Theory]
    [InlineData(null, "gold", Wire.LinuxImage)]
    [InlineData("1", "gold", Wire.LinuxImage)]
    [InlineData(null, "private", Wire.PrivateLinuxImage)]
    [InlineData("1", "private", Wire.PrivateLinuxImage)]
    public async Task Create_PayPerUseWithLinuxImage_IsRefused(string? chargingMode, string imageType, string imageId)
    {
        var request = Request()
            .WithText("charging_mode", chargingMode)
            .WithText("image_type", imageType)
            .WithText("image_id", imageId);

        var reply = await _client.PostJsonAsync(Pools, request);

        reply.AssertInvalid("WKS.0006", "image_id");
        Assert.Contains("Windows images only", reply.Body.Message(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gold", Wire.WindowsImage, Wire.Ultimate)]
    [InlineData("gold", Wire.Windows11Image, Wire.Ultimate)]
    [InlineData("gold", Wire.WindowsImage, Wire.Enterprise)]
    [InlineData("private", Wire.PrivateWindowsImage, Wire.Ultimate)]
    [InlineData("gold", Wire.WindowsImage, ExtendedCatalogFixture.SmallWindowsProduct)]
    public async Task Create_PayPerUseWithWindowsImage_IsAccepted(string imageType, string imageId, string productId)
    {
        var request = Request()
            .WithText("image_type", imageType)
            .WithText("image_id", imageId)
            .WithText("product_id", productId);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Theory]
    [InlineData("gold", Wire.LinuxImage, Wire.Ultimate)]
    [InlineData("gold", Wire.LinuxImage, Wire.LinuxOnlyProduct)]
    [InlineData("private", Wire.PrivateLinuxImage, Wire.LinuxOnlyProduct)]
    [InlineData("gold", Wire.WindowsImage, Wire.Ultimate)]
    public async Task Create_PrepaidWithImageTheProductAllows_IsAccepted(
        string imageType, string imageId, string productId)
    {
        var name = ServerFixture.Unique("prepaid");
        var request = Request(name, size: 1)
            .WithText("charging_mode", "0")
            .WithText("image_type", imageType)
            .WithText("image_id", imageId)
            .WithText("product_id", productId);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        Assert.Equal("0", (await _client.PoolByNameAsync(name)).GetProperty("charging_mode").GetString());
    }

    [Theory]
    [InlineData("2")]
    [InlineData("prepaid")]
    [InlineData("")]
    public async Task Create_WithUnknownChargingMode_IsRefused(string chargingMode)
    {
        var request = Request().WithText("charging_mode", chargingMode);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0004", "charging_mode");
    }

    [Theory]
    [InlineData("0", "gold", Wire.WindowsImage, Wire.LinuxOnlyProduct, "image_id")]
    [InlineData("1", "gold", Wire.WindowsImage, Wire.LinuxOnlyProduct, "image_id")]
    [InlineData("0", "gold", Wire.LinuxImage, Wire.Enterprise, "image_id")]
    [InlineData("1", "private", Wire.PrivateWindowsImage, Wire.Enterprise, "product_id")]
    [InlineData("1", "gold", Wire.Windows11Image, ExtendedCatalogFixture.SmallWindowsProduct, "product_id")]
    public async Task Create_WithImageTheProductCannotRun_IsRefused(
        string chargingMode, string imageType, string imageId, string productId, string field)
    {
        var request = Request()
            .WithText("charging_mode", chargingMode)
            .WithText("image_type", imageType)
            .WithText("image_id", imageId)
            .WithText("product_id", productId);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0006", field);
    }

    [Theory]
    [InlineData(null, "WKS.0002", "root_volume")]
    [InlineData("""{"size":80}""", "WKS.0002", "root_volume.type")]
    [InlineData("""{"type":"sas","size":80}""", "WKS.0004", "root_volume.type")]
    [InlineData("""{"type":"SATA","size":80}""", "WKS.0004", "root_volume.type")]
    [InlineData("""{"type":"SAS"}""", "WKS.0002", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":70}""", "WKS.0003", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":79}""", "WKS.0003", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":85}""", "WKS.0004", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":1015}""", "WKS.0004", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":1030}""", "WKS.0003", "root_volume.size")]
    [InlineData("""{"type":"SAS","size":-80}""", "WKS.0003", "root_volume.size")]
    public async Task Create_WithRootVolumeBreakingRules_IsRefused(string? volume, string code, string field)
    {
        var request = Request().With("root_volume", volume);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, field);
    }

    [Theory]
    [InlineData("SAS", 80)]
    [InlineData("SSD", 1020)]
    [InlineData("GPSSD", 500)]
    public async Task Create_WithRootVolumeWithinRules_IsAccepted(string type, int size)
    {
        var name = ServerFixture.Unique("root");
        var request = Request(name, size: 1).With("root_volume", $$"""{"type":"{{type}}","size":{{size}}}""");

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var root = (await _client.PoolByNameAsync(name)).GetProperty("root_volume");
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.Equal(size, root.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Create_WithElevenDataVolumes_IsRefused()
    {
        var request = Request();
        request["data_volumes"] = Requests.ArrayOf(11, _ => new JsonObject { ["type"] = "SAS", ["size"] = 10 });

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "data_volumes");
    }

    [Fact]
    public async Task Create_WithTenDataVolumes_IsAccepted()
    {
        var name = ServerFixture.Unique("disks");
        var request = Request(name, size: 1);
        request["data_volumes"] = Requests.ArrayOf(10, _ => new JsonObject { ["type"] = "SAS", ["size"] = 10 });

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        Assert.Equal(10, (await _client.PoolByNameAsync(name)).GetProperty("data_volumes").GetArrayLength());
    }

    [Theory]
    [InlineData("""[null]""", "WKS.0002", "data_volumes[0]")]
    [InlineData("""[{"size":10}]""", "WKS.0002", "data_volumes[0].type")]
    [InlineData("""[{"type":"NVME","size":10}]""", "WKS.0004", "data_volumes[0].type")]
    [InlineData("""[{"type":"SSD"}]""", "WKS.0002", "data_volumes[0].size")]
    [InlineData("""[{"type":"SSD","size":0}]""", "WKS.0003", "data_volumes[0].size")]
    [InlineData("""[{"type":"SSD","size":8210}]""", "WKS.0003", "data_volumes[0].size")]
    [InlineData("""[{"type":"SSD","size":15}]""", "WKS.0004", "data_volumes[0].size")]
    [InlineData("""[{"type":"SSD","size":10},{"type":"SSD","size":8199}]""", "WKS.0004", "data_volumes[1].size")]
    public async Task Create_WithDataVolumeBreakingRules_IsRefused(string volumes, string code, string field)
    {
        var request = Request().With("data_volumes", volumes);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, field);
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""[{"type":"SAS","size":10}]""")]
    [InlineData("""[{"type":"GPSSD","size":8200},{"type":"SSD","size":20}]""")]
    public async Task Create_WithDataVolumesWithinRules_IsAccepted(string volumes)
    {
        var request = Request().With("data_volumes", volumes);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();
    }

    [Theory]
    [InlineData(null, null, "WKS.0002", "subnet_ids")]
    [InlineData(null, "[]", "WKS.0003", "subnet_ids")]
    [InlineData(null, "[null]", "WKS.0002", "subnet_ids[0]")]
    [InlineData(null, $"[\"{ExtendedCatalogFixture.UnknownId}\"]", "WKS.0007", "subnet_ids[0]")]
    [InlineData(null, $"[\"{Wire.SubnetA}\",\"{Wire.LabSubnet}\"]", "WKS.0006", "subnet_ids[1]")]
    [InlineData(Wire.LabVpc, $"[\"{Wire.SubnetA}\"]", "WKS.0006", "subnet_ids[0]")]
    [InlineData(ExtendedCatalogFixture.UnknownId, $"[\"{Wire.SubnetA}\"]", "WKS.0007", "vpc_id")]
    [InlineData(Wire.Vpc, $"[\"{Wire.SubnetA}\",\"{Wire.SubnetA}\"]", "WKS.0005", "subnet_ids[1]")]
    public async Task Create_WithNetworkBreakingRules_IsRefused(
        string? vpcId, string? subnets, string code, string field)
    {
        var request = Request().With("subnet_ids", subnets).WithText("vpc_id", vpcId);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, field);
    }

    [Theory]
    [InlineData(Wire.Vpc, $"[\"{Wire.SubnetA}\",\"{Wire.SubnetB}\"]", Wire.Vpc)]
    [InlineData(Wire.LabVpc, $"[\"{Wire.LabSubnet}\"]", Wire.LabVpc)]
    [InlineData(null, $"[\"{Wire.LabSubnet}\"]", Wire.LabVpc)]
    [InlineData(null, $"[\"{LargeSubnet}\",\"{Wire.SubnetB}\"]", Wire.Vpc)]
    public async Task Create_WithSubnetsOfOneVpc_IsAcceptedAndKeepsThatVpc(
        string? vpcId, string subnets, string expectedVpc)
    {
        var name = ServerFixture.Unique("net");
        var request = Request(name, size: 1).With("subnet_ids", subnets).WithText("vpc_id", vpcId);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        Assert.Equal(expectedVpc, (await _client.PoolByNameAsync(name)).GetProperty("vpc_id").GetString());
    }

    [Theory]
    [InlineData("region-1z")]
    [InlineData("REGION-1A")]
    public async Task Create_WithUnknownAvailabilityZone_IsRefused(string zone)
    {
        var request = Request().WithText("availability_zone", zone);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0007", "availability_zone");
    }

    [Fact]
    public async Task Create_WithKnownAvailabilityZone_IsAcceptedAndPlacesDesktopsThere()
    {
        var name = ServerFixture.Unique("zoned");
        var request = Request(name, size: 2).WithText("availability_zone", Wire.ZoneB);

        var jobId = (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        await _client.WaitForJobAsync(jobId);
        var pool = await _client.PoolByNameAsync(name);
        Assert.Equal(Wire.ZoneB, pool.GetProperty("availability_zone").GetString());
        var desktops = await _client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.All(desktops, d => Assert.Equal(Wire.ZoneB, d.GetProperty("availability_zone").GetString()));
    }

    [Fact]
    public async Task Create_WithSixSecurityGroups_IsRefused()
    {
        var request = Request();
        request["security_groups"] = SecurityGroups(6);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "security_groups");
    }

    [Theory]
    [InlineData($$"""[{"id":"{{ExtendedCatalogFixture.UnknownId}}"}]""", "WKS.0007", "security_groups[0].id")]
    [InlineData("""[{}]""", "WKS.0002", "security_groups[0].id")]
    [InlineData("""[{"id":"sg-0000000000000001"},{"id":"sg-0000000000000001"}]""", "WKS.0005", "security_groups[1].id")]
    public async Task Create_WithBadSecurityGroup_IsRefused(string groups, string code, string field)
    {
        var request = Request().With("security_groups", groups);

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, field);
    }

    [Fact]
    public async Task Create_WithFiveSecurityGroups_IsAccepted()
    {
        var name = ServerFixture.Unique("guarded");
        var request = Request(name);
        request["security_groups"] = SecurityGroups(5);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var groups = (await _client.PoolByNameAsync(name)).GetProperty("security_groups").EnumerateArray()
            .Select(g => g.GetProperty("id").GetString());
        Assert.Equal(ExtendedCatalogFixture.SecurityGroups[..5], groups);
    }

    /// <summary>A valid request, for an empty pool unless a size is given, uniquely named unless a name is.</summary>
    private static JsonObject Request(string? name = null, int size = 0) =>
        Wire.PoolRequest(name ?? ServerFixture.Unique("catalog"), size);

    private static JsonArray SecurityGroups(int count) =>
        Requests.ArrayOf(count, i => new JsonObject { ["id"] = ExtendedCatalogFixture.SecurityGroups[i] });
}
