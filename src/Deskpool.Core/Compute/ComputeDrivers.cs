namespace Deskpool.Core.Compute;

/// <summary>Finds the driver that serves a zone, as the catalogue's zones name them.</summary>
public sealed class ComputeDrivers
{
    private readonly Dictionary<string, IComputeDriver> _byName;
    private readonly Catalog.Catalog _catalog;

    public ComputeDrivers(IEnumerable<IComputeDriver> drivers, Catalog.Catalog catalog)
    {
        _byName = drivers.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        _catalog = catalog;
        var missing = catalog.Zones.Where(z => !_byName.ContainsKey(z.Driver)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "No compute driver is registered for: " +
                string.Join(", ", missing.Select(z => $"zone {z.Id} (driver '{z.Driver}')")));
        }
    }

    public IComputeDriver ForZone(string zoneId)
    {
        var zone = _catalog.Zone(zoneId) ?? throw new ComputeDriverException(
            ComputeDriverException.HostUnreachable, $"Availability zone {zoneId} is not in the catalogue.");
        return _byName[zone.Driver];
    }
}
