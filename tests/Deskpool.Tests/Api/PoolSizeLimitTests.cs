using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// The largest purchase, on a server of its own whose simulated desktops take an hour to boot:
/// the test is about the request being accepted, and a thousand desktops really being built
/// would only keep the machine busy while the other tests run.
/// </summary>
public sealed class PoolSizeLimitTests : IAsyncLifetime
{
    private const string LargeSubnet = "2e4a6c8e-0b3d-4f5a-9c7e-6c8e0a2c4f99";

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Deskpool:Drivers:Simulated:BootTime"] = "01:00:00",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Create_WithSize1000_IsAcceptedWithAllDesktopsPlanned()
    {
        // The large subnet (a /20) has room for a thousand addresses; the default quota is 2000.
        var request = Wire.PoolRequest("thousand", 1000).With("subnet_ids", $"[\"{LargeSubnet}\"]");

        var jobId = (await _server.Client.PostJsonAsync(Wire.Path("desktop-pools"), request)).AssertAccepted();

        var (_, job) = await _server.Client.GetJsonAsync(Wire.Path($"workspace-jobs/{jobId}"));
        Assert.Equal(1000, job.GetProperty("sub_jobs_total").GetInt32());
        Assert.Equal(1000, (await _server.Client.PoolByNameAsync("thousand")).GetProperty("desktop_count").GetInt32());
    }
}
