using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt;
using Deskpool.Drivers.Libvirt.Interop;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Drivers;

/// <summary>What the libvirt driver makes on a hypervisor, and how it fails (a fresh test hypervisor each).</summary>
public sealed class LibvirtDriverTests : IDisposable
{
    private const string Zone = Wire.ZoneA;
    private const string Section = "Deskpool:Drivers:Libvirt:Zones:" + Zone;
    private static int _machines;
    private readonly string _uri = TestHypervisor.Create();
    private readonly List<LibvirtComputeDriver> _drivers = [];

    public void Dispose() => _drivers.ForEach(d => d.Dispose());

    [Fact]
    public async Task Create_DefinesADomainWithTheSpecsResources_OnVolumesOfTheRequestedSizes()
    {
        var driver = Driver();
        var spec = Spec(dataDisksGb: [10, 20]);

        await driver.CreateAsync(spec, default);

        var names = driver.NamesOf(spec.Ref);
        var domain = await driver.DomainAsync(Zone, names.Domain);
        Assert.NotNull(domain);
        Assert.Equal(DomainState.Running, domain.State);
        Assert.Equal(2, domain.VirtualCpus);
        Assert.Equal(4096UL, domain.MemoryMib);
        var xml = XElement.Parse(domain.Xml);
        var disks = xml.Element("devices")!.Elements("disk").Select(d => (
            Volume: (string?)d.Element("source")?.Attribute("volume"),
            Target: (string?)d.Element("target")?.Attribute("dev"))).ToList();
        Assert.Equal([(names.SystemVolume, "vda"), (names.DataVolume(1), "vdb"), (names.DataVolume(2), "vdc")], disks);
        var nic = xml.Element("devices")!.Element("interface")!;
        Assert.Equal(spec.MacAddress, (string?)nic.Element("mac")?.Attribute("address"));
        Assert.Equal(TestHypervisor.Network, (string?)nic.Element("source")?.Attribute("network"));
        Assert.Equal("vnc", (string?)xml.Element("devices")!.Element("graphics")?.Attribute("type"));
        Assert.Equal(spec.ComputerName, (string?)xml.Element("title"));

        var volumes = await driver.VolumesAsync(Zone);
        Assert.Equal(80UL * LibvirtTestDriver.GiB, volumes[names.SystemVolume].Capacity);
        Assert.Equal(10UL * LibvirtTestDriver.GiB, volumes[names.DataVolume(1)].Capacity);
        Assert.Equal(20UL * LibvirtTestDriver.GiB, volumes[names.DataVolume(2)].Capacity);
        Assert.Equal(0UL, volumes[names.DataVolume(2)].Allocation);
        Assert.Equal(3, volumes.Keys.Count(names.OwnsVolume));
    }

    [Fact]
    public async Task Create_InASpiceZone_GivesTheDomainASpiceDisplay()
    {
        var driver = Driver(new()
        {
            [$"{Section}:Display"] = "Spice",
            [$"{Section}:DisplayListen"] = "0.0.0.0",
            [$"{Section}:ConsoleHost"] = "desktops.example",
        });
        var spec = Spec();

        await driver.CreateAsync(spec, default);

        var domain = await driver.DomainAsync(Zone, driver.NamesOf(spec.Ref).Domain);
        var graphics = XElement.Parse(domain!.Xml).Element("devices")!.Element("graphics")!;
        Assert.Equal("spice", (string?)graphics.Attribute("type"));
        Assert.Equal("0.0.0.0", (string?)graphics.Attribute("listen"));
    }

    [Fact]
    public async Task Create_AfterAnAttemptCutShort_RemovesThatAttemptsVolumesFirst()
    {
        var driver = Driver();
        var spec = Spec();
        var names = driver.NamesOf(spec.Ref);
        await driver.OnZoneAsync(Zone, connection =>
        {
            using var pool = connection.FindStoragePool(TestHypervisor.Pool)!;
            pool.CreateVolume(LibvirtTestDriver.VolumeXml(names.SystemVolume, 3)).Dispose();
            pool.CreateVolume(LibvirtTestDriver.VolumeXml(names.DataVolume(7), 1)).Dispose();
            return true;
        }, default);

        await driver.CreateAsync(spec, default);

        var volumes = await driver.VolumesAsync(Zone);
        Assert.Equal([names.DataVolume(1), names.SystemVolume], volumes.Keys.Where(names.OwnsVolume).Order());
        Assert.Equal(80UL * LibvirtTestDriver.GiB, volumes[names.SystemVolume].Capacity);
    }

    [Fact]
    public async Task Create_WhenThePoolIsFull_RemovesTheVolumesItMade_AndSaysWhy()
    {
        var driver = Driver(new() { [$"{Section}:Allocation"] = "Full" });
        var spec = Spec(dataDisksGb: [10, 30]);

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.InsufficientCapacity, refused.Code);
        Assert.Contains($"storage pool '{TestHypervisor.Pool}' of zone {Zone} is full", refused.Message,
            StringComparison.Ordinal);
        Assert.Contains("Not enough free space", refused.Message, StringComparison.Ordinal);
        var names = driver.NamesOf(spec.Ref);
        Assert.DoesNotContain((await driver.VolumesAsync(Zone)).Keys, names.OwnsVolume);
        Assert.Null(await driver.DomainAsync(Zone, names.Domain));
    }

    [Fact]
    public async Task Create_WhenTheHypervisorRefusesTheDomain_RemovesTheVolumes_AndPassesOnLibvirtsReason()
    {
        // libvirt refuses a multicast MAC address when the domain is defined, after the volumes exist.
        var driver = Driver();
        var spec = Spec() with { MacAddress = "01:00:5e:00:00:01" };

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.OperationFailed, refused.Code);
        Assert.StartsWith($"Could not create desktop {spec.ComputerName} in zone {Zone}: ", refused.Message,
            StringComparison.Ordinal);
        Assert.Contains("expected unicast mac address, found multicast '01:00:5e:00:00:01'", refused.Message,
            StringComparison.Ordinal);
        var names = driver.NamesOf(spec.Ref);
        Assert.DoesNotContain((await driver.VolumesAsync(Zone)).Keys, names.OwnsVolume);
        Assert.Null(await driver.DomainAsync(Zone, names.Domain));
    }

    [Fact]
    public async Task Create_FromAnImageTheZoneHasNoBaseVolumeFor_FailsImageUnavailable()
    {
        var driver = Driver();
        var spec = Spec(image: LibvirtTestDriver.ImageWithoutBaseVolume);

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.ImageUnavailable, refused.Code);
        Assert.Contains($"{Section}:Images does not list it", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithASystemDiskSmallerThanTheBaseVolume_FailsImageUnavailable()
    {
        var driver = Driver();
        var spec = Spec() with { SystemDisk = new DiskSpec("SAS", 30) };

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.ImageUnavailable, refused.Code);
        Assert.Contains("(40 GiB) is larger than the 30 GB system disk", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InAZoneWhosePoolDoesNotExist_FailsNamingThePool()
    {
        var driver = Driver(new() { [$"{Section}:StoragePool"] = "no-such-pool" });

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(Spec(), default));

        Assert.Equal(ComputeDriverException.OperationFailed, refused.Code);
        Assert.Contains("storage pool 'no-such-pool' of zone region-1a does not exist", refused.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesTheDomainAndEveryVolumeOfTheMachine_AndNothingElse()
    {
        var driver = Driver();
        var doomed = Spec(dataDisksGb: [10, 10]);
        var kept = Spec();
        await driver.CreateAsync(doomed, default);
        await driver.CreateAsync(kept, default);
        await driver.HibernateAsync(doomed.Ref, default);

        await driver.DeleteAsync(doomed.Ref, default);

        var volumes = await driver.VolumesAsync(Zone);
        Assert.DoesNotContain(volumes.Keys, driver.NamesOf(doomed.Ref).OwnsVolume);
        Assert.Null(await driver.DomainAsync(Zone, driver.NamesOf(doomed.Ref).Domain));
        Assert.Equal(2, volumes.Keys.Count(driver.NamesOf(kept.Ref).OwnsVolume));
        Assert.Contains(TestHypervisor.WindowsBase, volumes.Keys);
        Assert.NotNull(await driver.DomainAsync(Zone, driver.NamesOf(kept.Ref).Domain));
    }

    [Fact]
    public async Task Reset_OfAHibernatedMachine_DropsItsSavedMemory_AndBootsAfresh()
    {
        var driver = Driver();
        var spec = Spec();
        await driver.CreateAsync(spec, default);
        await driver.HibernateAsync(spec.Ref, default);

        var reset = await driver.ResetAsync(spec, default);
        await driver.StopAsync(spec.Ref, hard: true, default);

        Assert.Equal(MachinePowerState.Running, reset.PowerState);
        Assert.Equal(MachinePowerState.Stopped, (await driver.FindAsync(spec.Ref, default))?.PowerState);
    }

    [Fact]
    public async Task Hibernate_OfAStoppedMachine_IsRefused()
    {
        var driver = Driver();
        var spec = Spec();
        await driver.CreateAsync(spec, default);
        await driver.StopAsync(spec.Ref, hard: false, default);

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.HibernateAsync(spec.Ref, default));

        Assert.Equal(ComputeDriverException.OperationFailed, refused.Code);
        Assert.Contains("is not running", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operations_OnAnUnreachableHost_FailHostUnreachable_AndRetryOnlyAfterTheDelay()
    {
        using var host = new RefusingHost();
        var uri = $"qemu+tcp://127.0.0.1:{host.Port}/system";
        var patient = Driver(new() { [$"{Section}:Uri"] = uri, [$"{Section}:ReconnectDelay"] = "01:00:00" });
        var eager = Driver(new() { [$"{Section}:Uri"] = uri, [$"{Section}:ReconnectDelay"] = "00:00:00" });

        var first = await Assert.ThrowsAsync<ComputeDriverException>(() => patient.CreateAsync(Spec(), default));
        var second = await Assert.ThrowsAsync<ComputeDriverException>(() => patient.FindAsync(Spec().Ref, default));
        var attemptsOfPatient = host.Connections;
        await Assert.ThrowsAsync<ComputeDriverException>(() => eager.FindAsync(Spec().Ref, default));
        await Assert.ThrowsAsync<ComputeDriverException>(() => eager.FindAsync(Spec().Ref, default));

        Assert.Equal(ComputeDriverException.HostUnreachable, first.Code);
        Assert.Equal(ComputeDriverException.HostUnreachable, second.Code);
        Assert.Contains($"The hypervisor of zone {Zone} ({uri}) cannot be reached: ", first.Message,
            StringComparison.Ordinal);
        Assert.Equal(1, attemptsOfPatient);
        Assert.Equal(3, host.Connections);
    }

    [Fact]
    public async Task Calls_RunOffThePool_AndAClosedConnectionIsOpenedAgain()
    {
        var driver = Driver();
        var spec = Spec();
        await driver.CreateAsync(spec, default);

        var onPoolThread = await driver.OnZoneAsync(Zone, _ => Thread.CurrentThread.IsThreadPoolThread, default);
        await driver.OnZoneAsync(Zone, connection =>
        {
            connection.Dispose();
            return true;
        }, default);
        var afterReopen = await driver.FindAsync(spec.Ref, default);

        Assert.False(onPoolThread);
        // Each connection to a test:///file URI has a hypervisor of its own, so the new one is empty.
        Assert.Null(afterReopen);
    }

    [Fact]
    public async Task Create_InAZoneWithDisplayPorts_GivesEachDesktopItsOwnFixedPort_AndTheConsoleNamesIt()
    {
        var driver = Driver(new() { [$"{Section}:DisplayPorts"] = "5900-5903" });
        var specs = new[] { Spec(), Spec(), Spec() };

        var ports = new List<int>();
        foreach (var spec in specs)
        {
            await driver.CreateAsync(spec, default);
            var graphics = XElement.Parse((await driver.DomainAsync(Zone, driver.NamesOf(spec.Ref).Domain))!.Xml)
                .Element("devices")!.Element("graphics")!;
            var console = await driver.GetConsoleAsync(spec.Ref, default);

            Assert.Equal("no", (string?)graphics.Attribute("autoport"));
            Assert.Equal((string?)graphics.Attribute("port"), console.Port.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(("VNC", "127.0.0.1"), (console.Protocol, console.Host));
            ports.Add(console.Port);
        }

        Assert.All(ports, port => Assert.InRange(port, 5900, 5903));
        Assert.Equal(3, ports.Distinct().Count());

        // The port is the desktop's own: defined again among the same others, the desktop gets it again.
        await driver.DeleteAsync(specs[1].Ref, default);
        await driver.CreateAsync(specs[1], default);
        Assert.Equal(ports[1], (await driver.GetConsoleAsync(specs[1].Ref, default)).Port);

        await driver.StopAsync(specs[0].Ref, hard: true, default);
        var closed = await Assert.ThrowsAsync<ComputeDriverException>(
            () => driver.GetConsoleAsync(specs[0].Ref, default));
        Assert.Contains("not running", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WhenEveryDisplayPortIsTaken_FailsInsufficientCapacity_AndLeavesNoMachine()
    {
        var driver = Driver(new() { [$"{Section}:DisplayPorts"] = "5900-5900" });
        await driver.CreateAsync(Spec(), default);
        var spec = Spec();

        var refused = await Assert.ThrowsAsync<ComputeDriverException>(() => driver.CreateAsync(spec, default));

        Assert.Equal(ComputeDriverException.InsufficientCapacity, refused.Code);
        Assert.Contains("no free display port", refused.Message, StringComparison.Ordinal);
        Assert.Null(await driver.FindAsync(spec.Ref, default));
        Assert.DoesNotContain((await driver.VolumesAsync(Zone)).Keys, driver.NamesOf(spec.Ref).OwnsVolume);
    }

    [Fact]
    public void DisplayPort_IsStablePerDesktop_AndSkipsTakenPorts()
    {
        var range = new DisplayPortRange(5900, 5999);
        var id = "0199c3e2-aaaa-7bbb-8ccc-123456789abc";
        var own = range.Choose(id, new HashSet<int>())!.Value;

        Assert.Equal(own, range.Choose(id, new HashSet<int>()));
        Assert.Equal(own == 5999 ? 5900 : own + 1, range.Choose(id, new HashSet<int> { own }));
        Assert.Null(new DisplayPortRange(5900, 5901).Choose(id, new HashSet<int> { 5900, 5901 }));
        Assert.True(DisplayPortRange.TryParse(" 5900 - 5999 ", out var parsed));
        Assert.Equal(range, parsed);
        Assert.All(new[] { "5900", "5999-5900", "0-10", "5900-70000", "a-b", "" },
            text => Assert.False(DisplayPortRange.TryParse(text, out _)));
    }

    [Theory]
    [InlineData("<graphics type='vnc' port='5901' autoport='yes' listen='0.0.0.0'/>", null, "VNC",
        "kvm1.example", 5901)]
    [InlineData("<graphics type='spice' port='5930'><listen type='address' address='192.0.2.7'/></graphics>", null,
        "SPICE", "192.0.2.7", 5930)]
    [InlineData("<graphics type='vnc' port='5902' autoport='yes' listen='127.0.0.1'/>", "desktops.example", "VNC",
        "desktops.example", 5902)]
    public void Console_IsReadFromTheLiveDisplay_WithTheZonesHostWhereTheDisplayListensEverywhere(
        string graphics, string? consoleHost, string protocol, string host, int port)
    {
        var zone = new LibvirtZoneOptions { Uri = "qemu+ssh://admin@kvm1.example/system", ConsoleHost = consoleHost };

        var display = DomainXml.Display($"<domain><devices>{graphics}</devices></domain>");

        Assert.NotNull(display);
        Assert.Equal(protocol, display.Value.Protocol);
        Assert.Equal(port, display.Value.Port);
        Assert.Equal(host, LibvirtComputeDriver.ConsoleHost(zone, display.Value.Listen));
    }

    [Fact]
    public void Names_DeriveFromComputerNameAndDesktopId()
    {
        var names = MachineNames.For("pool0001", "0199c3e2-aaaa-7bbb-8ccc-123456789abc", "qcow2");
        var raw = MachineNames.For("pool 0001", "x/y", "raw");

        Assert.Equal("pool0001-0199c3e2-aaaa-7bbb-8ccc-123456789abc", names.Domain);
        Assert.Equal("pool0001-0199c3e2-aaaa-7bbb-8ccc-123456789abc-system.qcow2", names.SystemVolume);
        Assert.Equal("pool0001-0199c3e2-aaaa-7bbb-8ccc-123456789abc-data2.qcow2", names.DataVolume(2));
        Assert.Equal("pool_0001-x_y-data1.img", raw.DataVolume(1));
        Assert.Equal(["vda", "vdz", "vdaa", "sdb"],
            new[] { DomainXml.TargetDevice("virtio", 0), DomainXml.TargetDevice("virtio", 25),
                DomainXml.TargetDevice("virtio", 26), DomainXml.TargetDevice("sata", 1) });
    }

    [Theory]
    [InlineData(null, null, "names driver libvirt, but Deskpool:Drivers:Libvirt:Zones:region-1b:Uri is not set")]
    [InlineData("VolumeFormat", "vmdk", "VolumeFormat must be qcow2 or raw (got 'vmdk')")]
    [InlineData("DiskBus", "ide", "DiskBus must be virtio, sata or scsi (got 'ide')")]
    [InlineData("DisplayListen", "0.0.0.0", "set Deskpool:Drivers:Libvirt:Zones:region-1a:ConsoleHost")]
    [InlineData("DisplayPorts", "5999-5900", "DisplayPorts must be a range of TCP ports such as 5900-5999")]
    [InlineData("Images:00000000-0000-4000-8000-000000000000", "x.qcow2",
        "names image 00000000-0000-4000-8000-000000000000")]
    public void Configuration_ThatCannotWork_StopsTheDriverWithAClearMessage(
        string? key, string? value, string expected)
    {
        var settings = TestHypervisor.ZoneSettings(Zone, _uri);
        if (key is not null)
        {
            settings[$"{Section}:{key}"] = value;
        }

        var zones = key is null ? new[] { Zone, Wire.ZoneB } : [Zone];
        var failure = Assert.Throws<InvalidOperationException>(() => LibvirtTestDriver.Create(settings, zones));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private LibvirtComputeDriver Driver(Dictionary<string, string?>? changes = null)
    {
        var settings = TestHypervisor.ZoneSettings(Zone, _uri);
        foreach (var (key, value) in changes ?? [])
        {
            settings[key] = value;
        }

        var driver = LibvirtTestDriver.Create(settings, Zone);
        _drivers.Add(driver);
        return driver;
    }

    private static MachineSpec Spec(string image = Wire.WindowsImage, int[]? dataDisksGb = null)
    {
        var n = Interlocked.Increment(ref _machines);
        return new MachineSpec(
            Guid.CreateVersion7().ToString(),
            $"libvirt{n:0000}",
            Zone,
            Wire.Ultimate,
            2,
            4096,
            image,
            new DiskSpec("SAS", 80),
            (dataDisksGb ?? [10]).Select(size => new DiskSpec("SSD", size)).ToList(),
            Wire.SubnetA,
            $"10.1.0.{n % 250 + 2}",
            $"fa:16:3e:01:{n / 256:x2}:{n % 256:x2}");
    }

    /// <summary>A loopback TCP port that accepts connections and closes them at once: a host without libvirt.</summary>
    private sealed class RefusingHost : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public RefusingHost()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
