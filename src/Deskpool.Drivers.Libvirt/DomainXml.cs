using System.Globalization;
using System.Xml.Linq;
using Deskpool.Core.Compute;

namespace Deskpool.Drivers.Libvirt;

/// <summary>The XML libvirt is given for a desktop's domain and volumes, and what is read back from it.</summary>
internal static class DomainXml
{
    /// <summary>The namespace of Deskpool's own metadata inside a domain definition.</summary>
    public static readonly XNamespace Metadata = "urn:deskpool:libvirt:desktop:1";

    /// <summary>
    /// A persistent domain for the desktop, its disks already in the pool under their names, its display
    /// on <paramref name="displayPort"/>, or on a port the hypervisor picks at each start when that is null.
    /// </summary>
    public static string Domain(
        MachineSpec spec, MachineNames names, LibvirtZoneOptions zone, string domainType, int? displayPort)
    {
        var disks = new List<XElement>
        {
            Disk(zone, names.SystemVolume, 0),
        };
        disks.AddRange(spec.DataDisks.Select((_, i) => Disk(zone, names.DataVolume(i + 1), i + 1)));

        var domain = new XElement("domain",
            new XAttribute("type", domainType),
            new XElement("name", names.Domain),
            new XElement("title", spec.ComputerName),
            new XElement("description", $"Deskpool desktop {spec.ComputerName} ({spec.DesktopId})"),
            new XElement("metadata",
                new XElement(Metadata + "desktop",
                    new XAttribute(XNamespace.Xmlns + "deskpool", Metadata),
                    new XAttribute("id", spec.DesktopId),
                    new XAttribute("computer-name", spec.ComputerName),
                    new XAttribute("image", spec.ImageId),
                    new XAttribute("ip-address", spec.IpAddress),
                    new XAttribute("product", spec.ProductId))),
            new XElement("memory", new XAttribute("unit", "MiB"), spec.MemoryMb),
            new XElement("vcpu", spec.Cpu),
            new XElement("os",
                new XElement("type", new XAttribute("arch", "x86_64"), "hvm"),
                new XElement("boot", new XAttribute("dev", "hd"))),
            // ACPI lets a soft stop or reboot reach the guest.
            new XElement("features", new XElement("acpi"), new XElement("apic")),
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "restart"),
            new XElement("on_crash", "destroy"),
            new XElement("devices",
                disks,
                new XElement("interface",
                    new XAttribute("type", "network"),
                    new XElement("mac", new XAttribute("address", spec.MacAddress.ToLowerInvariant())),
                    new XElement("source", new XAttribute("network", zone.Network)),
                    new XElement("model", new XAttribute("type", "virtio"))),
                new XElement("graphics",
                    new XAttribute("type", zone.Display == DisplayType.Spice ? "spice" : "vnc"),
                    PortAttributes(displayPort),
                    new XAttribute("listen", zone.DisplayListen))));
        return domain.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>A volume of <paramref name="sizeGb"/> GiB: thin (nothing reserved) or fully allocated.</summary>
    public static string Volume(string name, int sizeGb, LibvirtZoneOptions zone) =>
        new XElement("volume",
            new XElement("name", name),
            new XElement("capacity", new XAttribute("unit", "GiB"), sizeGb),
            new XElement("allocation", new XAttribute("unit", "GiB"),
                zone.Allocation == VolumeAllocation.Full ? sizeGb : 0),
            new XElement("target", new XElement("format", new XAttribute("type", zone.VolumeFormat))))
            .ToString(SaveOptions.DisableFormatting);

    /// <summary>
    /// The first display of a live domain XML: its type, the address it listens on and its port
    /// (null while the hypervisor has assigned none, e.g. the machine is not running).
    /// </summary>
    public static (string Protocol, string? Listen, int? Port)? Display(string xml)
    {
        var graphics = XElement.Parse(xml).Element("devices")?.Elements("graphics").FirstOrDefault();
        if (graphics is null)
        {
            return null;
        }

        var protocol = ((string?)graphics.Attribute("type") ?? "").ToUpperInvariant();
        var listen = (string?)graphics.Attribute("listen")
            ?? (string?)graphics.Elements("listen").FirstOrDefault(l => (string?)l.Attribute("type") == "address")
                ?.Attribute("address");
        int? port = int.TryParse((string?)graphics.Attribute("port"), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var p) && p > 0 ? p : null;
        return (protocol, listen, port);
    }

    /// <summary>The ports of every display of a domain XML that has one.</summary>
    public static IEnumerable<int> DisplayPorts(string xml) =>
        (XElement.Parse(xml).Element("devices")?.Elements("graphics") ?? [])
            .SelectMany(g => new[] { (string?)g.Attribute("port"), (string?)g.Attribute("tlsPort") })
            .Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 0)
            .Where(port => port > 0);

    private static XAttribute[] PortAttributes(int? port) => port is { } fixedPort
        ? [new("port", fixedPort), new("autoport", "no")]
        : [new("autoport", "yes")];

    private static XElement Disk(LibvirtZoneOptions zone, string volume, int index) =>
        new("disk",
            new XAttribute("type", "volume"),
            new XAttribute("device", "disk"),
            new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", zone.VolumeFormat)),
            new XElement("source", new XAttribute("pool", zone.StoragePool), new XAttribute("volume", volume)),
            new XElement("target", new XAttribute("dev", TargetDevice(zone.DiskBus, index)),
                new XAttribute("bus", zone.DiskBus)));

    /// <summary>vda, vdb, … for virtio; sda, sdb, … otherwise; past z: aa, ab, ….</summary>
    internal static string TargetDevice(string bus, int index)
    {
        var letters = "";
        for (var n = index; n >= 0; n = (n / 26) - 1)
        {
            letters = (char)('a' + (n % 26)) + letters;
        }

        return (bus == "virtio" ? "vd" : "sd") + letters;
    }
}
