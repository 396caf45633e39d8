using Deskpool.Core.Catalog;
using Deskpool.Drivers.Libvirt;
using Deskpool.Drivers.Libvirt.Interop;
using Deskpool.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Deskpool.Tests.Drivers;

/// <summary>Builds libvirt drivers from settings as the server would, and looks at their hypervisors.</summary>
internal static class LibvirtTestDriver
{
    public const long GiB = 1L << 30;

    /// <summary>An image of the test catalogue whose base volume no hypervisor has.</summary>
    public const string ImageWithoutBaseVolume = "9e8d7c6b-5a49-4382-b1c0-d9e8f7a6b5c4";

    /// <summary>A driver bound from <paramref name="settings"/> (keys under <c>Deskpool:Drivers:Libvirt</c>).</summary>
    public static LibvirtComputeDriver Create(IReadOnlyDictionary<string, string?> settings, params string[] zones)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(LibvirtDriverOptions.Section).Get<LibvirtDriverOptions>()
            ?? new LibvirtDriverOptions();
        return new LibvirtComputeDriver(Options.Create(options), Catalog(zones), TimeProvider.System,
            NullLogger<LibvirtComputeDriver>.Instance);
    }

    /// <summary>A catalogue whose <paramref name="zones"/> name the libvirt driver, with the test images.</summary>
    public static Catalog Catalog(params string[] zones)
    {
        var options = new CatalogOptions { Region = "region-1" };
        options.AvailabilityZones.AddRange(zones.Select(z => new ZoneOption { Id = z, Name = z, Driver = "libvirt" }));
        options.Images.AddRange(new[] { Wire.WindowsImage, Wire.LinuxImage, ImageWithoutBaseVolume }
            .Select(id => new ImageOption { Id = id, Name = id, OsType = "Windows" }));
        return new Catalog(Options.Create(options));
    }

    /// <summary>The XML of a plain volume, as a test makes one beside the driver.</summary>
    public static string VolumeXml(string name, int capacityGb, int? allocationGb = null) =>
        $"<volume><name>{name}</name><capacity unit='GiB'>{capacityGb}</capacity>" +
        (allocationGb is { } allocation ? $"<allocation unit='GiB'>{allocation}</allocation>" : "") + "</volume>";

    /// <summary>Every volume of the zone's pool with its capacity and allocation in bytes.</summary>
    public static Task<Dictionary<string, (ulong Capacity, ulong Allocation)>> VolumesAsync(
        this LibvirtComputeDriver driver, string zone) =>
        driver.OnZoneAsync(zone, connection =>
        {
            using var pool = connection.FindStoragePool(TestHypervisor.Pool)!;
            var volumes = pool.Volumes();
            try
            {
                return volumes.ToDictionary(v => v.Name, v => v.Size());
            }
            finally
            {
                volumes.ForEach(v => v.Dispose());
            }
        }, default);

    /// <summary>The domain of that name as libvirt describes it, or null when there is none.</summary>
    public static Task<DomainFacts?> DomainAsync(this LibvirtComputeDriver driver, string zone, string name) =>
        driver.OnZoneAsync(zone, connection =>
        {
            using var domain = connection.FindDomain(name);
            if (domain is null)
            {
                return null;
            }

            var (cpus, memoryKib) = domain.Resources();
            return new DomainFacts(domain.State().State, cpus, memoryKib / 1024, domain.Xml(LibvirtDomain.InactiveXml));
        }, default);
}

/// <summary>What a test checks of a domain: its state, vCPUs, memory in MiB and persistent XML.</summary>
internal sealed record DomainFacts(DomainState State, int VirtualCpus, ulong MemoryMib, string Xml);
