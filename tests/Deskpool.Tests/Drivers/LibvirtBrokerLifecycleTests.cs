using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Deskpool.Core.Compute;
using Deskpool.Drivers.Libvirt;
using Deskpool.Drivers.Libvirt.Interop;
using Deskpool.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Deskpool.Tests.Drivers;

/// <summary>
/// A pool's whole life through the real server, the broker and the libvirt driver on libvirt's test
/// hypervisor, on a fake clock: bought, expanded, used by an end user, reset when the retention period
/// runs out, stopped and deleted, with libvirt itself asked what became of the domains and volumes.
/// </summary>
public sealed class LibvirtBrokerLifecycleTests : IAsyncLifetime
{
    private const string Zone = Wire.ZoneA;
    private const int FirstPort = 5900;
    private const int LastPort = 5999;
    private readonly FakeTimeProvider _clock = Mails.Clock();
    private TestServer _server = null!;

    private HttpClient Admin => _server.Client;

    private LibvirtComputeDriver Driver => _server.Services.GetRequiredService<LibvirtComputeDriver>();

    public async Task InitializeAsync()
    {
        var settings = TestHypervisor.ZoneSettings(Zone, TestHypervisor.Create());
        settings["Deskpool:Catalog:AvailabilityZones:0:Driver"] = "libvirt";
        settings[$"Deskpool:Drivers:Libvirt:Zones:{Zone}:DisplayPorts"] = $"{FirstPort}-{LastPort}";
        settings["Deskpool:Broker:PollInterval"] = "01:00:00";
        _server = await TestServer.StartAsync(settings, TestServer.NewDataDirectory(), _clock);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_pool_on_libvirt_is_bought_used_reset_after_its_retention_period_stopped_and_deleted()
    {
        var request = Wire.PoolRequest("kvm-life", 1);
        request["availability_zone"] = Zone;
        var poolId = await Admin.ReadyPoolAsync(request);
        var expand = await ActAsync($"desktop-pools/{poolId}/expand", new { size = 1 });
        Assert.Equal("SUCCESS", expand.GetProperty("status").GetString());
        var desktops = await Admin.DesktopsAsync(poolId);
        Assert.Equal(2, desktops.Count);
        var ports = new List<int>();
        foreach (var desktop in desktops)
        {
            var domain = await DomainAsync(desktop);
            Assert.Equal(DomainState.Running, domain?.State);
            ports.Add(Port(domain!));
        }

        Assert.All(ports, p => Assert.InRange(p, FirstPort, LastPort));
        Assert.Equal(2, ports.Distinct().Count());

        // An end user connects: the display is the one libvirt has for the desktop's domain.
        var alice = await _server.NewSignedInAsync(poolId, "alice");
        var (connected, answer) = await alice.ConnectAsync(poolId);
        Assert.True(connected.StatusCode == HttpStatusCode.OK, answer.ToString());
        Assert.Equal("READY", answer.GetProperty("status").GetString());
        var desktopId = answer.GetProperty("desktop").GetProperty("desktop_id").GetString()!;
        var bound = desktops.Single(d => Id(d) == desktopId);
        var boundPort = ports[desktops.FindIndex(d => Id(d) == desktopId)];
        var connection = answer.GetProperty("connection");
        Assert.Contains(connection.GetProperty("protocol").GetString(), new[] { "VNC", "SPICE" });
        Assert.Equal("127.0.0.1", connection.GetProperty("host").GetString());
        Assert.Equal(boundPort, connection.GetProperty("port").GetInt32());
        Assert.StartsWith("dkp_", connection.GetProperty("ticket").GetString(), StringComparison.Ordinal);

        // The user disconnects, and the guest writes to its system disk meanwhile: a 1 GiB volume in
        // place of the 80 GiB copy of the image marks it.
        var (disconnected, _) = await alice.DisconnectAsync(poolId);
        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        var names = NamesOf(bound);
        await MarkSystemVolumeAsync(names);
        Assert.Equal(1UL * LibvirtTestDriver.GiB, (await VolumesAsync(bound))[0]);

        // The retention period runs out: the desktop is unbound, its system volume copied again from
        // the image, its data volume kept, and it is idle with the same display.
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await _server.FireTimersAsync());
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await _server.FireTimersAsync());
        var idle = await Admin.WaitForDesktopAsync(poolId, desktopId, "ACTIVE");
        Assert.Null(idle.Optional("user_name"));
        Assert.Equal("UNATTACH", idle.GetProperty("attach_state").GetString());
        var reset = await DomainAsync(bound);
        Assert.Equal(DomainState.Running, reset?.State);
        Assert.Equal(boundPort, Port(reset!));
        Assert.Equal([80UL * LibvirtTestDriver.GiB, 100UL * LibvirtTestDriver.GiB], await VolumesAsync(bound));

        // Idle again: the next user gets it, with its display.
        var bob = await _server.NewSignedInAsync(poolId, "bob");
        var (again, bobs) = await bob.ConnectAsync(poolId);
        Assert.True(again.StatusCode == HttpStatusCode.OK, bobs.ToString());
        Assert.Equal(desktopId, bobs.GetProperty("desktop").GetProperty("desktop_id").GetString());
        Assert.Equal(boundPort, bobs.GetProperty("connection").GetProperty("port").GetInt32());

        // Stopped, the domains are off; deleted, nothing of the desktops is left on the hypervisor.
        await ActAsync($"desktop-pools/{poolId}/action", new { op_type = "os-stop", type = "SOFT" });
        foreach (var desktop in desktops)
        {
            Assert.Equal(DomainState.ShutOff, (await DomainAsync(desktop))?.State);
        }

        var deletion = await ActAsync("desktops/batch-delete", new { desktop_ids = desktops.Select(Id).ToArray() });
        Assert.Equal("SUCCESS", deletion.GetProperty("status").GetString());
        foreach (var desktop in desktops)
        {
            Assert.Null(await DomainAsync(desktop));
            Assert.Empty(await VolumesAsync(desktop));
        }

        Assert.Equal([TestHypervisor.WindowsBase, TestHypervisor.LinuxBase],
            (await Driver.VolumesAsync(Zone)).Keys.OrderDescending());
        var (deleted, _) = await Admin.CallAsync(HttpMethod.Delete, Wire.Path($"desktop-pools/{poolId}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    private async Task<JsonElement> ActAsync(string path, object body)
    {
        var (response, accepted) = await Admin.PostJsonAsync(Wire.Path(path), body);
        Assert.True(response.IsSuccessStatusCode, accepted.ToString());
        return await Admin.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!);
    }

    private MachineNames NamesOf(JsonElement desktop) => Driver.NamesOf(new MachineRef(
        Id(desktop), desktop.GetProperty("computer_name").GetString()!, Zone));

    private Task<DomainFacts?> DomainAsync(JsonElement desktop) => Driver.DomainAsync(Zone, NamesOf(desktop).Domain);

    /// <summary>The capacities of the desktop's volumes, system first, as libvirt reports them.</summary>
    private async Task<List<ulong>> VolumesAsync(JsonElement desktop)
    {
        var names = NamesOf(desktop);
        return (await Driver.VolumesAsync(Zone))
            .Where(v => names.OwnsVolume(v.Key))
            .OrderBy(v => v.Key == names.SystemVolume ? 0 : 1)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => v.Value.Capacity)
            .ToList();
    }

    private Task MarkSystemVolumeAsync(MachineNames names) =>
        Driver.OnZoneAsync(Zone, connection =>
        {
            using var pool = connection.FindStoragePool(TestHypervisor.Pool)!;
            using (var system = pool.FindVolume(names.SystemVolume)!)
            {
                system.Delete();
            }

            pool.CreateVolume(LibvirtTestDriver.VolumeXml(names.SystemVolume, 1)).Dispose();
            return true;
        }, default);

    /// <summary>The fixed display port of the domain's persistent definition.</summary>
    private static int Port(DomainFacts domain)
    {
        var graphics = XElement.Parse(domain.Xml).Element("devices")!.Element("graphics")!;
        Assert.Equal("no", (string?)graphics.Attribute("autoport"));
        return int.Parse((string)graphics.Attribute("port")!, CultureInfo.InvariantCulture);
    }

    private static string Id(JsonElement desktop) => desktop.GetProperty("desktop_id").GetString()!;
}
