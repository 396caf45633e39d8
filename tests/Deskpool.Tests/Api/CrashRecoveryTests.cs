using Deskpool.Drivers.Simulated;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Options;

namespace Deskpool.Tests.Api;

/// <summary>A server killed in the middle of a job finishes it after a restart, without doing anything twice.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task KilledMidJob_RestartFinishesTheJob_WithNoDesktopCreatedTwice()
    {
        const int size = 60;
        var dataDirectory = TestServer.NewDataDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Deskpool:Drivers:Simulated:BootTime"] = "00:00:00.300",
            ["Deskpool:Jobs:MaxParallelism"] = "4",
            ["Deskpool:Jobs:BatchSize"] = "4",
        };

        string jobId;
        await using (var first = await ServerProcess.StartAsync(dataDirectory, settings))
        {
            jobId = await first.Client.CreatePoolAsync(Wire.PoolRequest("survivor", size));
            await WaitUntilMidCreationAsync(first.Client, jobId, dataDirectory);
            await first.KillAsync();
        }

        var (progressAtCrash, machinesAtCrash) = await ProgressAsync(dataDirectory, jobId, settings);
        Assert.InRange(progressAtCrash, 1, size - 1);

        await using var second = await ServerProcess.StartAsync(dataDirectory, settings);
        var job = await second.Client.WaitForJobAsync(jobId);

        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        Assert.Equal(size, job.GetProperty("success_num").GetInt32());
        var pool = await second.Client.PoolByNameAsync("survivor");
        var desktops = await second.Client.DesktopsAsync(pool.GetProperty("id").GetString()!);
        Assert.Equal(size, desktops.Count);
        Assert.All(desktops, d => Assert.Equal("ACTIVE", d.GetProperty("status").GetString()));
        Assert.Equal(size, desktops.Select(d => d.GetProperty("computer_name").GetString()).Distinct().Count());
        Assert.Equal(size, desktops.Select(d => d.GetProperty("ipv4").GetString()).Distinct().Count());

        var hypervisor = Hypervisor(dataDirectory);
        Assert.Equal(size, hypervisor.CountMachines());
        Assert.True(machinesAtCrash > progressAtCrash || desktops.Any(d =>
                hypervisor.CreateRequests(d.GetProperty("desktop_id").GetString()!) > 1),
            "the crash should have interrupted machines in the middle of their creation");
    }

    /// <summary>
    /// Waits until some desktops are ready and the hypervisor holds machines whose creation the job
    /// has not recorded yet, so that the kill that follows lands in the middle of creations.
    /// </summary>
    private static async Task WaitUntilMidCreationAsync(HttpClient client, string jobId, string dataDirectory)
    {
        using var hypervisor = Hypervisor(dataDirectory);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var (_, job) = await client.GetJsonAsync(Wire.Path($"workspace-jobs/{jobId}"));
            var succeeded = job.GetProperty("success_num").GetInt32();
            if (succeeded >= 8 && hypervisor.CountMachines() > succeeded)
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail("The job was never caught with machines in the middle of their creation.");
    }

    /// <summary>What the stored job and the simulated hypervisor held when the server died.</summary>
    private static async Task<(int Succeeded, long Machines)> ProgressAsync(
        string dataDirectory, string jobId, Dictionary<string, string?> settings)
    {
        await using var reader = await TestServer.StartAsync(
            new Dictionary<string, string?>(settings) { ["Deskpool:RunWorkers"] = "false", ["Deskpool:NodeId"] = "reader" },
            dataDirectory);
        var (_, job) = await reader.Client.GetJsonAsync(Wire.Path($"workspace-jobs/{jobId}"));
        return (job.GetProperty("success_num").GetInt32(), reader.Driver.CountMachines());
    }

    private static SimulatedComputeDriver Hypervisor(string dataDirectory)
    {
        return new SimulatedComputeDriver(
            Options.Create(new SimulatedDriverOptions { StatePath = Path.Combine(dataDirectory, "simulated-hypervisor.db") }),
            TimeProvider.System);
    }
}
