using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt;
using Deskpool.Drivers.Libvirt.Interop;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Tests.Drivers;

/// <summary>
/// The real server with zone A on libvirt's test hypervisor: pools bought and changed through the API
/// become domains and volumes that libvirt itself reports.
/// </summary>
public sealed class LibvirtServerTests : IAsyncLifetime
{
    private const string Zone = Wire.ZoneA;
    private TestServer _server = null!;

    private HttpClient Client => _server.Client;

    private LibvirtComputeDriver Driver => _server.Services.GetRequiredService<LibvirtComputeDriver>();

    public async Task InitializeAsync()
    {
        var settings = TestHypervisor.ZoneSettings(Zone, TestHypervisor.Create());
        settings["Deskpool:Catalog:AvailabilityZones:0:Driver"] = "libvirt";
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Pool_InALibvirtZone_IsBuiltStoppedStartedAndDeleted_AsDomainsAndVolumes()
    {
        var poolId = await BuyAsync("kvm-pool", 2);
        var desktops = await Client.DesktopsAsync(poolId);

        Assert.Equal(2, desktops.Count);
        foreach (var desktop in desktops)
        {
            var (domain, volumes) = await OnHypervisorAsync(desktop);
            Assert.NotNull(domain);
            Assert.Equal(DomainState.Running, domain.State);
            Assert.Equal(2, domain.VirtualCpus);
            Assert.Equal(4096UL, domain.MemoryMib);
            var mac = XElement.Parse(domain.Xml).Descendants("mac").Single();
            Assert.Equal(Mac(desktop), (string?)mac.Attribute("address"));
            Assert.Equal([80UL * LibvirtTestDriver.GiB, 100UL * LibvirtTestDriver.GiB], volumes);
        }

        var expand = await ActAsync($"desktop-pools/{poolId}/expand", new { size = 1 });
        Assert.Equal("SUCCESS", expand.GetProperty("status").GetString());
        desktops = await Client.DesktopsAsync(poolId);
        Assert.Equal(3, desktops.Count);
        Assert.All(await StatesAsync(desktops), s => Assert.Equal(DomainState.Running, s));

        await ActAsync($"desktop-pools/{poolId}/action", new { op_type = "os-stop", type = "SOFT" });
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("SHUTOFF", Status(d)));
        Assert.All(await StatesAsync(desktops), s => Assert.Equal(DomainState.ShutOff, s));

        await ActAsync($"desktop-pools/{poolId}/action", new { op_type = "os-start", type = "SOFT" });
        Assert.All(await Client.DesktopsAsync(poolId), d => Assert.Equal("ACTIVE", Status(d)));
        Assert.All(await StatesAsync(desktops), s => Assert.Equal(DomainState.Running, s));

        var ids = desktops.Select(d => d.GetProperty("desktop_id").GetString()).ToArray();
        var deletion = await ActAsync("desktops/batch-delete", new { desktop_ids = ids });
        Assert.Equal("SUCCESS", deletion.GetProperty("status").GetString());
        foreach (var desktop in desktops)
        {
            var (domain, volumes) = await OnHypervisorAsync(desktop);
            Assert.Null(domain);
            Assert.Empty(volumes);
        }

        Assert.Equal([TestHypervisor.WindowsBase, TestHypervisor.LinuxBase],
            (await Driver.VolumesAsync(Zone)).Keys.OrderDescending());
        var (deleted, _) = await Client.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{poolId}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Pool_WithAnImageWithoutBaseVolume_FailsItsDesktopsWithImageUnavailable()
    {
        var request = Wire.PoolRequest("kvm-no-image", 1);
        request["availability_zone"] = Zone;
        request["image_id"] = Wire.Windows11Image;

        var job = await Client.WaitForJobAsync(await Client.CreatePoolAsync(request));

        Assert.Equal("FAIL", job.GetProperty("status").GetString());
        var subJob = job.GetProperty("sub_jobs").EnumerateArray().Single();
        Assert.Equal(ComputeDriverException.ImageUnavailable, subJob.GetProperty("error_code").GetString());
        Assert.Contains(Wire.Windows11Image, subJob.GetProperty("fail_reason").GetString(), StringComparison.Ordinal);
    }

    // Resetting a desktop on disconnect or after its retention period is the broker's trigger, built
    // elsewhere; this calls the reset as the broker will, through the zone's driver.
    [Fact]
    public async Task Reset_ThroughTheZonesDriver_RebuildsTheSystemVolumeOfADesktopTheServerMade()
    {
        var poolId = await BuyAsync("kvm-reset", 1);
        var desktop = (await Client.DesktopsAsync(poolId)).Single();
        var spec = new MachineSpec(
            desktop.GetProperty("desktop_id").GetString()!,
            desktop.GetProperty("computer_name").GetString()!,
            Zone,
            Wire.Ultimate,
            2,
            4096,
            Wire.WindowsImage,
            new DiskSpec("SAS", 80),
            [new DiskSpec("SSD", 100)],
            Wire.SubnetA,
            desktop.GetProperty("ipv4").GetString()!,
            Mac(desktop));
        var names = Driver.NamesOf(spec.Ref);
        await Driver.OnZoneAsync(Zone, connection =>
        {
            using var pool = connection.FindStoragePool(TestHypervisor.Pool)!;
            using (var system = pool.FindVolume(names.SystemVolume)!)
            {
                system.Delete();
            }

            pool.CreateVolume(LibvirtTestDriver.VolumeXml(names.SystemVolume, 1)).Dispose();
            return true;
        }, default);

        var reset = await _server.Services.GetRequiredService<ComputeDrivers>().ForZone(Zone).ResetAsync(spec, default);

        Assert.Equal(MachinePowerState.Running, reset.PowerState);
        var (domain, volumes) = await OnHypervisorAsync(desktop);
        Assert.Equal(DomainState.Running, domain?.State);
        Assert.Equal([80UL * LibvirtTestDriver.GiB, 100UL * LibvirtTestDriver.GiB], volumes);
    }

    private async Task<string> BuyAsync(string name, int size)
    {
        var request = Wire.PoolRequest(name, size);
        request["availability_zone"] = Zone;
        var job = await Client.WaitForJobAsync(await Client.CreatePoolAsync(request));
        Assert.Equal("SUCCESS", job.GetProperty("status").GetString());
        return (await Client.PoolByNameAsync(name)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> ActAsync(string path, object body)
    {
        var (response, accepted) = await Client.PostJsonAsync(Wire.Path(path), body);
        Assert.True(response.IsSuccessStatusCode, accepted.ToString());
        return await Client.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!);
    }

    /// <summary>The desktop's domain and its volumes' capacities (system first), as libvirt reports them.</summary>
    private async Task<(DomainFacts? Domain, List<ulong> Volumes)> OnHypervisorAsync(JsonElement desktop)
    {
        var names = Driver.NamesOf(new MachineRef(
            desktop.GetProperty("desktop_id").GetString()!, desktop.GetProperty("computer_name").GetString()!, Zone));
        var domain = await Driver.DomainAsync(Zone, names.Domain);
        var volumes = (await Driver.VolumesAsync(Zone))
            .Where(v => names.OwnsVolume(v.Key))
            .OrderBy(v => v.Key == names.SystemVolume ? 0 : 1)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => v.Value.Capacity)
            .ToList();
        return (domain, volumes);
    }

    private async Task<List<DomainState?>> StatesAsync(IEnumerable<JsonElement> desktops)
    {
        var states = new List<DomainState?>();
        foreach (var desktop in desktops)
        {
            states.Add((await OnHypervisorAsync(desktop)).Domain?.State);
        }

        return states;
    }

    private static string Mac(JsonElement desktop) => desktop.GetProperty("addresses").EnumerateObject().Single()
        .Value[0].GetProperty("OS-EXT-IPS-MAC:mac_addr").GetString()!;

    private static string? Status(JsonElement desktop) => desktop.GetProperty("status").GetString();
}
