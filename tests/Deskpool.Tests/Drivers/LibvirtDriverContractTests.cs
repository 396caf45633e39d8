using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Drivers;

/// <summary>
/// The driver contract on libvirt's test hypervisor, a fresh one per test. Zone A has thin volumes;
/// zone B reserves volumes in full, so its 100 GiB pool cannot take an 80 GB and a 30 GB disk.
/// </summary>
public sealed class LibvirtDriverContractTests : ComputeDriverContract
{
    private LibvirtComputeDriver _driver = null!;

    protected override IComputeDriver Driver => _driver;

    protected override string Zone => Wire.ZoneA;

    protected override string FullZone => Wire.ZoneB;

    protected override string ReadyImage => Wire.WindowsImage;

    protected override string UnavailableImage => LibvirtTestDriver.ImageWithoutBaseVolume;

    // The test hypervisor starts no display server, so it leaves the port of an automatic display unset.
    protected override bool AssignsDisplayPorts => false;

    public override Task InitializeAsync()
    {
        var uri = TestHypervisor.Create();
        var settings = TestHypervisor.ZoneSettings(Wire.ZoneA, uri);
        foreach (var (key, value) in TestHypervisor.ZoneSettings(Wire.ZoneB, uri))
        {
            settings[key] = value;
        }

        settings[$"Deskpool:Drivers:Libvirt:Zones:{Wire.ZoneA}:Images:{UnavailableImage}"] = "missing-base.qcow2";
        settings[$"Deskpool:Drivers:Libvirt:Zones:{Wire.ZoneB}:Allocation"] = "Full";
        _driver = LibvirtTestDriver.Create(settings, Wire.ZoneA, Wire.ZoneB);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        _driver.Dispose();
        return Task.CompletedTask;
    }

    // Replaces the system volume by a 1 GiB one and the data volume by one with 1 GiB already
    // allocated: a rebuilt system volume has the spec's size again, a kept data volume its allocation.
    protected override Task MarkDisksAsync(MachineSpec spec)
    {
        var names = _driver.NamesOf(spec.Ref);
        return _driver.OnZoneAsync(spec.AvailabilityZone, connection =>
        {
            using var pool = connection.FindStoragePool(TestHypervisor.Pool)!;
            Replace(names.SystemVolume, 1, 1);
            Replace(names.DataVolume(1), spec.DataDisks[0].SizeGb, 1);
            return true;

            void Replace(string name, int capacityGb, int allocationGb)
            {
                using (var old = pool.FindVolume(name)!)
                {
                    old.Delete();
                }

                pool.CreateVolume(LibvirtTestDriver.VolumeXml(name, capacityGb, allocationGb)).Dispose();
            }
        }, default);
    }

    protected override async Task AssertSystemDiskRebuiltAndDataDisksKeptAsync(MachineSpec spec)
    {
        var names = _driver.NamesOf(spec.Ref);
        var volumes = await _driver.VolumesAsync(spec.AvailabilityZone);

        Assert.Equal(80UL * LibvirtTestDriver.GiB, volumes[names.SystemVolume].Capacity);
        Assert.Equal(1UL * LibvirtTestDriver.GiB, volumes[names.DataVolume(1)].Allocation);
        Assert.Equal(2, volumes.Keys.Count(names.OwnsVolume));
    }
}
