using System.Xml.Linq;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Drivers;

/// <summary>
/// A fresh instance of libvirt's built-in test hypervisor, described by a node XML file in a new
/// folder. libvirt parses the file on every connection it opens to <c>test:///&lt;file&gt;</c>, and each
/// such connection has a hypervisor of its own, in this process, with no hardware and no daemon. What a
/// driver does is therefore seen only through the driver's own connection.
/// </summary>
/// <remarks>
/// The hypervisor has one network and one storage pool of 100 GiB (the test hypervisor gives every
/// pool that size, whatever the file says) holding the base volumes of two catalogue images.
/// </remarks>
public static class TestHypervisor
{
    public const string Pool = "deskpool-pool";
    public const string Network = "deskpool-net";
    public const string WindowsBase = "win2022-base.qcow2";
    public const string LinuxBase = "ubuntu2204-base.qcow2";

    /// <summary>Writes a new hypervisor description and returns its connection URI.</summary>
    public static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "deskpool-tests", "libvirt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "node.xml");
        new XElement("node",
            new XElement("network",
                new XElement("name", Network),
                new XElement("bridge", new XAttribute("name", "virbr-deskpool")),
                new XElement("forward"),
                new XElement("ip",
                    new XAttribute("address", "192.168.150.1"), new XAttribute("netmask", "255.255.255.0"))),
            new XElement("pool", new XAttribute("type", "dir"),
                new XElement("name", Pool),
                new XElement("source"),
                new XElement("target", new XElement("path", "/" + Pool)),
                BaseVolume(WindowsBase, 40),
                BaseVolume(LinuxBase, 20)))
            .Save(file);
        return "test://" + file;
    }

    /// <summary>Driver settings for one zone on the hypervisor at <paramref name="uri"/>.</summary>
    public static Dictionary<string, string?> ZoneSettings(string zone, string uri)
    {
        var key = $"Deskpool:Drivers:Libvirt:Zones:{zone}";
        return new Dictionary<string, string?>
        {
            [$"{key}:Uri"] = uri,
            [$"{key}:StoragePool"] = Pool,
            [$"{key}:Network"] = Network,
            [$"{key}:Images:{Wire.WindowsImage}"] = WindowsBase,
            [$"{key}:Images:{Wire.LinuxImage}"] = LinuxBase,
        };
    }

    private static XElement BaseVolume(string name, int sizeGb) =>
        new("volume", new XAttribute("type", "file"),
            new XElement("name", name),
            new XElement("capacity", new XAttribute("unit", "GiB"), sizeGb),
            new XElement("allocation", 0),
            new XElement("target",
                new XElement("path", $"/{Pool}/{name}"),
                new XElement("format", new XAttribute("type", "qcow2"))));
}
