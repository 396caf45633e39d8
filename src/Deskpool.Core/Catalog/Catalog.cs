using Deskpool.Core.Networking;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Catalog;

/// <summary>Read-only lookups over the configured catalogue.</summary>
public sealed class Catalog
{
    private readonly Dictionary<string, ProductOption> _products;
    private readonly Dictionary<string, ImageOption> _images;
    private readonly Dictionary<string, (VpcOption Vpc, SubnetOption Subnet, Ipv4Subnet Range)> _subnets;

    public Catalog(IOptions<CatalogOptions> options)
    {
        Options = options.Value;
        var problems = CatalogCheck.Problems(Options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The catalogue in configuration is inconsistent: " + string.Join(" ", problems));
        }

        _products = Options.Products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);
        _images = Options.Images.ToDictionary(i => i.Id, StringComparer.Ordinal);
        _subnets = [];
        foreach (var vpc in Options.Vpcs)
        {
            foreach (var subnet in vpc.Subnets)
            {
                _ = Ipv4Subnet.TryParse(subnet.Cidr, out var range);
                _subnets[subnet.Id] = (vpc, subnet, range);
            }
        }
    }

    public CatalogOptions Options { get; }

    public string Region => Options.Region;

    public IReadOnlyList<ZoneOption> Zones => Options.AvailabilityZones;

    public ProductOption? Product(string? id) => id is not null && _products.TryGetValue(id, out var p) ? p : null;

    public ImageOption? Image(string? id) => id is not null && _images.TryGetValue(id, out var i) ? i : null;

    public ZoneOption? Zone(string? id) =>
        Options.AvailabilityZones.FirstOrDefault(z => string.Equals(z.Id, id, StringComparison.Ordinal));

    public VpcOption? Vpc(string? id) =>
        Options.Vpcs.FirstOrDefault(v => string.Equals(v.Id, id, StringComparison.Ordinal));

    public VpcOption? VpcOfSubnet(string subnetId) => _subnets.TryGetValue(subnetId, out var s) ? s.Vpc : null;

    public Ipv4Subnet? SubnetRange(string subnetId) => _subnets.TryGetValue(subnetId, out var s) ? s.Range : null;

    public bool IsDiskType(string? type) =>
        Options.DiskTypes.Any(d => string.Equals(d.Type, type, StringComparison.Ordinal));

    public bool IsSecurityGroup(string? id) =>
        Options.SecurityGroups.Any(g => string.Equals(g.Id, id, StringComparison.Ordinal));
}

/// <summary>Checks made once at start-up so that a bad catalogue stops the server with a clear message.</summary>
internal static class CatalogCheck
{
    public static List<string> Problems(CatalogOptions options)
    {
        var problems = new List<string>();
        if (options.AvailabilityZones.Count == 0)
        {
            problems.Add("At least one availability zone is needed.");
        }

        foreach (var vpc in options.Vpcs)
        {
            if (!Ipv4Subnet.TryParse(vpc.Cidr, out var vpcRange))
            {
                problems.Add($"VPC {vpc.Id} has an invalid CIDR '{vpc.Cidr}'.");
                continue;
            }

            foreach (var subnet in vpc.Subnets)
            {
                if (!Ipv4Subnet.TryParse(subnet.Cidr, out var range))
                {
                    problems.Add($"Subnet {subnet.Id} has an invalid CIDR '{subnet.Cidr}' (IPv4, prefix /8 to /29).");
                }
                else if (!vpcRange.Contains(range))
                {
                    problems.Add($"Subnet {subnet.Id} ({subnet.Cidr}) lies outside its VPC {vpc.Id} ({vpc.Cidr}).");
                }
            }
        }

        var duplicateSubnets = options.Vpcs.SelectMany(v => v.Subnets).GroupBy(s => s.Id).Where(g => g.Count() > 1);
        problems.AddRange(duplicateSubnets.Select(g => $"Subnet id {g.Key} appears more than once."));
        return problems;
    }
}
