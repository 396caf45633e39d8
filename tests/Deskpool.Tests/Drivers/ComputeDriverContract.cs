using Deskpool.Core.Compute;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Drivers;

/// <summary>
/// What every compute driver promises (<see cref="IComputeDriver"/>): operations keyed by desktop id,
/// idempotent create and delete, power changes, a reset that rebuilds only the system disk, a display
/// endpoint, and refusals with the contract's codes. Each driver runs this suite through a subclass
/// that supplies the driver, a zone with room, a zone without, and a way to see disks.
/// </summary>
public abstract class ComputeDriverContract : IAsyncLifetime
{
    private static int _machines;

    protected abstract IComputeDriver Driver { get; }

    /// <summary>A zone where machines of <see cref="ReadyImage"/> can be built.</summary>
    protected abstract string Zone { get; }

    /// <summary>A zone with no room for a machine of <see cref="Spec"/>'s size with a 30 GB data disk.</summary>
    protected abstract string FullZone { get; }

    protected abstract string ReadyImage { get; }

    /// <summary>An image the driver cannot build machines from.</summary>
    protected abstract string UnavailableImage { get; }

    /// <summary>Whether a running machine's display has a port (the test hypervisor runs no display server).</summary>
    protected virtual bool AssignsDisplayPorts => true;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    /// <summary>Changes the machine's disks so that a rebuild of the system disk, and of it alone, shows.</summary>
    protected abstract Task MarkDisksAsync(MachineSpec spec);

    /// <summary>Asserts that the system disk was built again and the data disks are the marked ones.</summary>
    protected abstract Task AssertSystemDiskRebuiltAndDataDisksKeptAsync(MachineSpec spec);

    [Fact]
    public async Task Create_BootsTheMachine_AndFindSeesItRunning()
    {
        var spec = Spec();

        var created = await Driver.CreateAsync(spec, default);

        Assert.Equal(new MachineInfo(spec.DesktopId, Zone, MachinePowerState.Running), created);
        Assert.Equal(MachinePowerState.Running, (await Driver.FindAsync(spec.Ref, default))?.PowerState);
    }

    [Fact]
    public async Task Create_OfAMachineThatExists_ReturnsIt_AndBootsItIfItWasStopped()
    {
        var spec = Spec();
        await Driver.CreateAsync(spec, default);

        var again = await Driver.CreateAsync(spec, default);
        await Driver.StopAsync(spec.Ref, hard: true, default);
        var afterStop = await Driver.CreateAsync(spec, default);

        Assert.Equal(MachinePowerState.Running, again.PowerState);
        Assert.Equal(MachinePowerState.Running, afterStop.PowerState);
        Assert.Equal(MachinePowerState.Running, (await Driver.FindAsync(spec.Ref, default))?.PowerState);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stop_ThenStart_MovesThePower_AndRepeatsAreHarmless(bool hard)
    {
        var spec = await CreatedAsync();

        var stopped = await Driver.StopAsync(spec.Ref, hard, default);
        var stoppedAgain = await Driver.StopAsync(spec.Ref, hard, default);
        var found = await Driver.FindAsync(spec.Ref, default);
        var started = await Driver.StartAsync(spec.Ref, default);
        var startedAgain = await Driver.StartAsync(spec.Ref, default);

        Assert.Equal(MachinePowerState.Stopped, stopped.PowerState);
        Assert.Equal(MachinePowerState.Stopped, stoppedAgain.PowerState);
        Assert.Equal(MachinePowerState.Stopped, found?.PowerState);
        Assert.Equal(MachinePowerState.Running, started.PowerState);
        Assert.Equal(MachinePowerState.Running, startedAgain.PowerState);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reboot_LeavesTheMachineRunning(bool hard)
    {
        var spec = await CreatedAsync();

        var rebooted = await Driver.RebootAsync(spec.Ref, hard, default);

        Assert.Equal(MachinePowerState.Running, rebooted.PowerState);
        Assert.Equal(MachinePowerState.Running, (await Driver.FindAsync(spec.Ref, default))?.PowerState);
    }

    [Fact]
    public async Task Hibernate_ThenStart_ResumesTheMachine()
    {
        var spec = await CreatedAsync();

        var hibernated = await Driver.HibernateAsync(spec.Ref, default);
        var found = await Driver.FindAsync(spec.Ref, default);
        var resumed = await Driver.StartAsync(spec.Ref, default);

        Assert.Equal(MachinePowerState.Hibernated, hibernated.PowerState);
        Assert.Equal(MachinePowerState.Hibernated, found?.PowerState);
        Assert.Equal(MachinePowerState.Running, resumed.PowerState);
    }

    [Fact]
    public async Task Delete_RemovesTheMachine_AndDeletingAgainOrNeverCreatedCountsAsDone()
    {
        var spec = await CreatedAsync();

        await Driver.DeleteAsync(spec.Ref, default);
        await Driver.DeleteAsync(spec.Ref, default);
        await Driver.DeleteAsync(Spec().Ref, default);

        Assert.Null(await Driver.FindAsync(spec.Ref, default));
    }

    [Fact]
    public async Task Delete_OfAStoppedMachine_RemovesIt()
    {
        var spec = await CreatedAsync();
        await Driver.StopAsync(spec.Ref, hard: true, default);

        await Driver.DeleteAsync(spec.Ref, default);

        Assert.Null(await Driver.FindAsync(spec.Ref, default));
    }

    [Fact]
    public async Task Reset_RebuildsTheSystemDisk_KeepsTheDataDisks_AndBoots()
    {
        var spec = await CreatedAsync();
        await Driver.StopAsync(spec.Ref, hard: true, default);
        await MarkDisksAsync(spec);

        var reset = await Driver.ResetAsync(spec, default);

        Assert.Equal(MachinePowerState.Running, reset.PowerState);
        await AssertSystemDiskRebuiltAndDataDisksKeptAsync(spec);
        Assert.Equal(MachinePowerState.Running, (await Driver.FindAsync(spec.Ref, default))?.PowerState);
    }

    [Fact]
    public async Task Reset_OfARunningMachine_RebootsItOnTheNewDisk()
    {
        var spec = await CreatedAsync();
        await MarkDisksAsync(spec);

        var reset = await Driver.ResetAsync(spec, default);
        var again = await Driver.ResetAsync(spec, default);

        Assert.Equal(MachinePowerState.Running, reset.PowerState);
        Assert.Equal(MachinePowerState.Running, again.PowerState);
    }

    [Fact]
    public async Task Operations_OnAMachineTheBackEndDoesNotHave_SayNoSuchMachine()
    {
        var spec = Spec();

        var failures = new[]
        {
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.StartAsync(spec.Ref, default)),
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.StopAsync(spec.Ref, false, default)),
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.RebootAsync(spec.Ref, false, default)),
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.HibernateAsync(spec.Ref, default)),
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.ResetAsync(spec, default)),
            await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.GetConsoleAsync(spec.Ref, default)),
        };

        Assert.All(failures, f => Assert.Equal(ComputeDriverException.NoSuchMachine, f.Code));
        Assert.All(failures, f => Assert.True(
            f.Message.Contains(spec.ComputerName, StringComparison.Ordinal)
            || f.Message.Contains(spec.DesktopId, StringComparison.Ordinal), f.Message));
        Assert.Null(await Driver.FindAsync(spec.Ref, default));
    }

    [Fact]
    public async Task Console_OfARunningMachine_NamesItsProtocolHostAndPort()
    {
        var spec = await CreatedAsync();

        if (AssignsDisplayPorts)
        {
            var console = await Driver.GetConsoleAsync(spec.Ref, default);
            Assert.Contains(console.Protocol, new[] { "RDP", "VNC", "SPICE" });
            Assert.False(string.IsNullOrWhiteSpace(console.Host));
            Assert.InRange(console.Port, 1, 65535);
        }
        else
        {
            var refused = await Assert.ThrowsAsync<ComputeDriverException>(
                () => Driver.GetConsoleAsync(spec.Ref, default));
            Assert.Equal(ComputeDriverException.OperationFailed, refused.Code);
            Assert.Contains("display port", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_FromAnUnavailableImage_FailsImageUnavailable_AndLeavesNoMachine()
    {
        var spec = Spec(image: UnavailableImage);

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.ImageUnavailable, refused.Code);
        Assert.Contains(UnavailableImage, refused.Message, StringComparison.Ordinal);
        Assert.Null(await Driver.FindAsync(spec.Ref, default));
    }

    [Fact]
    public async Task Create_InAZoneWithoutRoom_FailsInsufficientCapacity_AndLeavesNoMachine()
    {
        var spec = Spec(zone: FullZone, dataDiskGb: 30);

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => Driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.InsufficientCapacity, refused.Code);
        Assert.Contains(FullZone, refused.Message, StringComparison.Ordinal);
        Assert.Null(await Driver.FindAsync(spec.Ref, default));
    }

    /// <summary>A machine of 2 vCPUs, 4 GB, an 80 GB system disk and one data disk, new to the back end.</summary>
    protected MachineSpec Spec(string? zone = null, string? image = null, int dataDiskGb = 10)
    {
        var n = Interlocked.Increment(ref _machines);
        return new MachineSpec(
            Guid.CreateVersion7().ToString(),
            $"contract{n:0000}",
            zone ?? Zone,
            Wire.Ultimate,
            2,
            4096,
            image ?? ReadyImage,
            new DiskSpec("SAS", 80),
            [new DiskSpec("SSD", dataDiskGb)],
            Wire.SubnetA,
            $"10.0.{n / 250}.{(n % 250) + 2}",
            $"fa:16:3e:00:{n / 256:x2}:{n % 256:x2}");
    }

    protected async Task<MachineSpec> CreatedAsync()
    {
        var spec = Spec();
        await Driver.CreateAsync(spec, default);
        return spec;
    }
}
