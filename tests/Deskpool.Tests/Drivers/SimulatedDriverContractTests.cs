using Deskpool.Core.Compute;
using Deskpool.Drivers.Simulated;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Options;

namespace Deskpool.Tests.Drivers;

/// <summary>The driver contract on the simulated hypervisor, in a state file of its own.</summary>
public sealed class SimulatedDriverContractTests : ComputeDriverContract
{
    private const string Failing = "f0000000-0000-4000-8000-00000000dead";
    private SimulatedComputeDriver _driver = null!;
    private long _resetsBefore;

    protected override IComputeDriver Driver => _driver;

    protected override string Zone => Wire.ZoneA;

    protected override string FullZone => Wire.ZoneB;

    protected override string ReadyImage => Wire.WindowsImage;

    protected override string UnavailableImage => Failing;

    public override Task InitializeAsync()
    {
        var options = new SimulatedDriverOptions
        {
            BootTime = TimeSpan.Zero,
            OperationLatency = TimeSpan.Zero,
            FailingImageIds = { Failing },
            ZoneCapacity = { [Wire.ZoneB] = 0 },
            StatePath = Path.Combine(TestServer.NewDataDirectory(), "simulated-hypervisor.db"),
        };
        _driver = new SimulatedComputeDriver(Options.Create(options), TimeProvider.System);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        _driver.Dispose();
        return Task.CompletedTask;
    }

    // The simulated hypervisor models no disks; it counts the rebuilds of a machine's system disk.
    protected override Task MarkDisksAsync(MachineSpec spec)
    {
        _resetsBefore = _driver.Resets(spec.DesktopId);
        return Task.CompletedTask;
    }

    protected override Task AssertSystemDiskRebuiltAndDataDisksKeptAsync(MachineSpec spec)
    {
        Assert.Equal(_resetsBefore + 1, _driver.Resets(spec.DesktopId));
        return Task.CompletedTask;
    }
}
