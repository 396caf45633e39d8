namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// Settings of the libvirt compute driver (section <c>Deskpool:Drivers:Libvirt</c>). A catalogue zone
/// that names driver <c>libvirt</c> takes its hypervisor from <c>Zones:&lt;zone id&gt;</c>.
/// </summary>
public sealed class LibvirtDriverOptions
{
    public const string Section = "Deskpool:Drivers:Libvirt";

    /// <summary>The hypervisor of each zone, by zone id.</summary>
    public Dictionary<string, LibvirtZoneOptions> Zones { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One zone's hypervisor: where it is, where its disks go, how its desktops are wired and shown.</summary>
public sealed class LibvirtZoneOptions
{
    /// <summary>
    /// The libvirt connection URI: <c>qemu:///system</c> on the same host, <c>qemu+ssh://user@host/system</c>
    /// for a remote one, <c>test:///default</c> or <c>test:///path/to/node.xml</c> for libvirt's test hypervisor.
    /// </summary>
    public string Uri { get; set; } = "";

    /// <summary>The storage pool that holds the base volumes of images and the desktops' volumes.</summary>
    public string StoragePool { get; set; } = "default";

    /// <summary>The libvirt network the desktops' network interface joins.</summary>
    public string Network { get; set; } = "default";

    /// <summary>The desktops' display: a VNC or a SPICE server run by the hypervisor.</summary>
    public DisplayType Display { get; set; } = DisplayType.Vnc;

    /// <summary>The host address the display servers listen on (<c>0.0.0.0</c> for every address).</summary>
    public string DisplayListen { get; set; } = "127.0.0.1";

    /// <summary>
    /// The TCP ports the displays are given, as <c>first-last</c> (e.g. <c>5900-5999</c>): each desktop gets a
    /// fixed port of the range, chosen when its domain is defined and unique among the hypervisor's domains.
    /// Unset, the hypervisor picks a free port each time a desktop starts (libvirt's autoport).
    /// </summary>
    public string? DisplayPorts { get; set; }

    /// <summary>
    /// The host name clients reach the displays at. By default the address the displays listen on, or,
    /// when they listen on every address, the host of <see cref="Uri"/>.
    /// </summary>
    public string? ConsoleHost { get; set; }

    /// <summary>Image id (as in the catalogue) to the name of its base volume in <see cref="StoragePool"/>.</summary>
    public Dictionary<string, string> Images { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The desktops' volume format: <c>qcow2</c> or <c>raw</c>.</summary>
    public string VolumeFormat { get; set; } = "qcow2";

    /// <summary>Thin volumes take space as they are written; full ones reserve their whole size at creation.</summary>
    public VolumeAllocation Allocation { get; set; } = VolumeAllocation.Thin;

    /// <summary>
    /// The bus of the desktops' disks: <c>virtio</c> (the image needs its drivers), <c>sata</c> or <c>scsi</c>.
    /// </summary>
    public string DiskBus { get; set; } = "virtio";

    /// <summary>The libvirt domain type; by default <c>test</c> on the test hypervisor, else <c>kvm</c>.</summary>
    public string? DomainType { get; set; }

    /// <summary>Most libvirt calls in flight at once for this zone (each blocks a thread while it runs).</summary>
    public int MaxConcurrentCalls { get; set; } = 4;

    /// <summary>How long a soft stop waits for the guest to shut down before the machine is powered off.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long after a failed connection attempt calls fail at once instead of trying again.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);
}

public enum DisplayType
{
    Vnc,
    Spice,
}

public enum VolumeAllocation
{
    Thin,
    Full,
}
