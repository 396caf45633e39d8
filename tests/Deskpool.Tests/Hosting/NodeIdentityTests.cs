using Deskpool.Tests.Support;

namespace Deskpool.Tests.Hosting;

/// <summary>A node's name is stored with each lease it takes, so it must fit the lease columns.</summary>
public sealed class NodeIdentityTests
{
    [Fact]
    public async Task ConfiguredNodeIdTooLong_StopsTheServer_WithTheLimit()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:NodeId"] = new string('n', 65),
            ["Deskpool:RunWorkers"] = "false",
        };

        var serve = await ServerProcess.RunAsync(TestServer.NewDataDirectory(), settings, "", TimeSpan.FromSeconds(60));

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("Deskpool:NodeId must be 1 to 64 characters", serve.Output, StringComparison.Ordinal);
    }
}
