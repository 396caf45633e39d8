using Deskpool.Core.Persistence;
using Deskpool.Core.Catalog;
using Deskpool.Core.Tenancy;

namespace Deskpool.Server.Api;

internal sealed record ProductListResponse(
    int TotalCount, IReadOnlyList<ProductWire> Products, string? AvailabilityZone, string? OsType, string? Architecture);

internal sealed record ImageWire(
    string Id,
    string Name,
    string ImageType,
    string OsType,
    string Architecture,
    string OsVersion,
    string Platform,
    string DiskFormat,
    int MinRam,
    int MinDisk,
    string? Source,
    string CreatedAt);

internal sealed record ImageListResponse(int TotalCount, IReadOnlyList<ImageWire> Images);

internal sealed record QuotaResource(string Type, int Quota, int Used, string? Unit = null);

internal sealed record QuotaResponse(QuotaResources Quotas);

internal sealed record QuotaResources(IReadOnlyList<QuotaResource> Resources);

internal sealed record ZoneWire(string Id, string Name, string Driver);

internal sealed record ZoneListResponse(string Region, IReadOnlyList<ZoneWire> AvailabilityZones);

internal sealed record SubnetWire(string Id, string Name, string Cidr, string VpcId, long AvailableIpCount);

internal sealed record VpcWire(string Id, string Name, string Cidr, IReadOnlyList<SubnetWire> Subnets);

internal sealed record VpcListResponse(IReadOnlyList<VpcWire> Vpcs);

internal sealed record VolumeTypeWire(string Type, string Name);

internal sealed record VolumeTypeListResponse(int TotalCount, IReadOnlyList<VolumeTypeWire> VolumeProducts);

/// <summary>What can be bought: packages, images, zones, networks, disk types, and the quota left.</summary>
internal static class CatalogApi
{
    public static void MapCatalogApi(this RouteGroupBuilder project)
    {
        project.MapGet("/products", (HttpRequest http, Catalog catalog) =>
        {
            var query = new QueryReader(http);
            var productId = query.Text("product_id");
            var zone = query.Text("availability_zone");
            var osType = query.Text("os_type", 55);
            var chargeMode = query.Text("charge_mode", 1);
            var architecture = query.Text("architecture", 55);
            var packageType = query.Text("package_type", 55);
            var offset = query.Int("offset", 0, 0, 5000);
            var limit = query.Int("limit", 100, 0, 100) is var l and > 0 ? l : 100;
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            var products = catalog.Options.Products
                .Where(p => osType is null || p.OsTypes.Contains(osType, StringComparer.OrdinalIgnoreCase))
                .Where(p => architecture is null || p.Architecture == architecture)
                .Where(p => packageType is null || p.PackageType == packageType)
                .Where(p => chargeMode is null || chargeMode == "1")
                .Where(p => productId is null || p.ProductId != productId)
                .ToList();
            return Reply.Json(new ProductListResponse(products.Count,
                products.Skip(offset).Take(limit).Select(ProductWire.From).ToList(), zone, osType, architecture));
        }).WithName("ListProducts");

        project.MapGet("/images", (HttpRequest http, Catalog catalog) =>
        {
            var query = new QueryReader(http);
            var osType = query.Text("os_type", 55);
            var imageType = query.Text("image_type", 55);
            var platform = query.Text("platform", 55);
            var architecture = query.Text("architecture", 55);
            var imageId = query.Text("image_id");
            var sortField = query.Text("sort_field", 55) ?? "name";
            var descending = string.Equals(query.Text("sort_type", 4), "desc", StringComparison.OrdinalIgnoreCase);
            var offset = query.Int("offset", 0, 0, 5000);
            var limit = query.Int("limit", 100, 0, 100) is var l and > 0 ? l : 100;
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            var images = catalog.Options.Images
                .Where(i => osType is null || string.Equals(i.OsType, osType, StringComparison.OrdinalIgnoreCase))
                .Where(i => imageType is null || i.ImageType == imageType)
                .Where(i => platform is null || string.Equals(i.Platform, platform, StringComparison.OrdinalIgnoreCase))
                .Where(i => architecture is null || i.Architecture == architecture)
                .Where(i => imageId is null || i.Id == imageId);
            images = sortField == "created_at"
                ? (descending ? images.OrderByDescending(i => i.CreatedAt) : images.OrderBy(i => i.CreatedAt))
                : (descending ? images.OrderByDescending(i => i.Name, StringComparer.Ordinal)
                    : images.OrderBy(i => i.Name, StringComparer.Ordinal));
            var list = images.ToList();
            return Reply.Json(new ImageListResponse(list.Count, list.Skip(offset).Take(limit).Select(i => new ImageWire(
                i.Id, i.Name, i.ImageType, i.OsType, i.Architecture, i.OsVersion, i.Platform, i.DiskFormat, i.MinRamMb,
                i.MinDiskGb, i.Source, ApiJson.Time(i.CreatedAt))).ToList()));
        }).WithName("ListImages");

        project.MapGet("/quotas", async (
            string projectId, ProjectService projects, DeskpoolDbContext db, Catalog catalog, CancellationToken ct) =>
        {
            var project = await projects.GetAsync(projectId, ct);
            var used = await Quotas.UsageAsync(db, catalog, projectId, ct);
            return Reply.Json(new QuotaResponse(new QuotaResources(
            [
                new QuotaResource("general_instances", project.DesktopQuota, used.Desktops),
                new QuotaResource("cores", project.CoreQuota, used.Cores),
                new QuotaResource("Memory", project.MemoryQuotaGb, used.MemoryGb, "GB"),
            ])));
        }).WithName("ShowQuotas");

        project.MapGet("/availability-zones", (Catalog catalog) => Reply.Json(new ZoneListResponse(catalog.Region,
                catalog.Zones.Select(z => new ZoneWire(z.Id, z.Name, z.Driver)).ToList())))
            .WithName("ListAvailabilityZones");

        project.MapGet("/vpcs", (Catalog catalog) => Reply.Json(new VpcListResponse(catalog.Options.Vpcs
                .Select(v => new VpcWire(v.Id, v.Name, v.Cidr, v.Subnets
                    .Select(s => new SubnetWire(s.Id, s.Name, s.Cidr, v.Id, catalog.SubnetRange(s.Id)?.UsableCount ?? 0))
                    .ToList()))
                .ToList())))
            .WithName("ListVpcs");

        project.MapGet("/volume/products", (Catalog catalog) => Reply.Json(new VolumeTypeListResponse(
                catalog.Options.DiskTypes.Count,
                catalog.Options.DiskTypes.Select(d => new VolumeTypeWire(d.Type, d.Name)).ToList())))
            .WithName("ListVolumeProducts");
    }
}
