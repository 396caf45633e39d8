using Deskpool.Core.Catalog;

namespace Deskpool.Drivers.Libvirt;

/// <summary>
/// Checks made once at start-up, so that a zone set up wrongly stops the server with a clear message.
/// </summary>
internal static class LibvirtConfiguration
{
    private static readonly string[] VolumeFormats = ["qcow2", "raw"];
    private static readonly string[] DiskBuses = ["virtio", "sata", "scsi"];

    public static List<string> Problems(LibvirtDriverOptions options, Catalog catalog)
    {
        var problems = new List<string>();
        foreach (var zone in catalog.Zones.Where(z =>
                     string.Equals(z.Driver, LibvirtComputeDriver.DriverName, StringComparison.OrdinalIgnoreCase)))
        {
            if (!options.Zones.ContainsKey(zone.Id))
            {
                problems.Add($"Zone {zone.Id} names driver libvirt, but {Key(zone.Id, "Uri")} is not set.");
            }
        }

        foreach (var (id, zone) in options.Zones)
        {
            if (string.IsNullOrWhiteSpace(zone.Uri))
            {
                problems.Add($"{Key(id, "Uri")} is empty: give the libvirt connection URI of the zone's host.");
            }

            if (string.IsNullOrWhiteSpace(zone.StoragePool) || string.IsNullOrWhiteSpace(zone.Network))
            {
                problems.Add($"Zone {id} needs a storage pool and a network " +
                    $"({Key(id, "StoragePool")}, {Key(id, "Network")}).");
            }

            if (!VolumeFormats.Contains(zone.VolumeFormat, StringComparer.Ordinal))
            {
                problems.Add($"{Key(id, "VolumeFormat")} must be qcow2 or raw (got '{zone.VolumeFormat}').");
            }

            if (!DiskBuses.Contains(zone.DiskBus, StringComparer.Ordinal))
            {
                problems.Add($"{Key(id, "DiskBus")} must be virtio, sata or scsi (got '{zone.DiskBus}').");
            }

            if (zone.MaxConcurrentCalls < 1 || zone.ShutdownTimeout < TimeSpan.Zero
                || zone.ReconnectDelay < TimeSpan.Zero)
            {
                problems.Add($"Zone {id}: MaxConcurrentCalls must be at least 1, " +
                    "ShutdownTimeout and ReconnectDelay not negative.");
            }

            if (!string.IsNullOrWhiteSpace(zone.DisplayPorts) && !DisplayPortRange.TryParse(zone.DisplayPorts, out _))
            {
                problems.Add($"{Key(id, "DisplayPorts")} must be a range of TCP ports such as 5900-5999 " +
                    $"(got '{zone.DisplayPorts}').");
            }

            if (LibvirtComputeDriver.ListensEverywhere(zone.DisplayListen)
                && string.IsNullOrWhiteSpace(zone.ConsoleHost)
                && string.IsNullOrEmpty(LibvirtComputeDriver.UriHost(zone.Uri)))
            {
                problems.Add($"Zone {id}'s displays listen on every address of a local hypervisor: set " +
                    $"{Key(id, "ConsoleHost")} to the host name clients reach them at.");
            }

            problems.AddRange(zone.Images.Keys.Where(image => catalog.Image(image) is null)
                .Select(image => $"{Key(id, "Images")} names image {image}, which is not in the catalogue."));
        }

        return problems;
    }

    private static string Key(string zone, string setting) => $"{LibvirtDriverOptions.Section}:Zones:{zone}:{setting}";
}
