namespace Deskpool.Core.Catalog;

/// <summary>
/// The catalogue a region offers: zones, packages, images, networks and disk types. It comes from
/// configuration (appsettings.json, section <c>Deskpool:Catalog</c>) and is read-only at run time.
/// </summary>
public sealed class CatalogOptions
{
    public const string Section = "Deskpool:Catalog";

    public string Region { get; set; } = "";

    public List<ZoneOption> AvailabilityZones { get; init; } = [];

    public List<ProductOption> Products { get; init; } = [];

    public List<ImageOption> Images { get; init; } = [];

    public List<VpcOption> Vpcs { get; init; } = [];

    public List<DiskTypeOption> DiskTypes { get; init; } = [];

    public List<SecurityGroupOption> SecurityGroups { get; init; } = [];
}

public sealed class ZoneOption
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Which compute driver creates the desktops of this zone (<c>simulated</c> by default).</summary>
    public string Driver { get; set; } = "simulated";
}

public sealed class ProductOption
{
    public string ProductId { get; set; } = "";

    public string FlavorId { get; set; } = "";

    /// <summary><c>BASE</c> packages carry no OS licence and are the only ones usable with private images.</summary>
    public string Type { get; set; } = "BASE";

    public string Architecture { get; set; } = "x86";

    public int Cpu { get; set; }

    public int MemoryMb { get; set; }

    public string PackageType { get; set; } = "";

    public string Descriptions { get; set; } = "";

    public List<string> OsTypes { get; init; } = [];

    public string SystemDiskType { get; set; } = "SAS";

    public int SystemDiskSize { get; set; } = 80;

    public bool IsGpu { get; set; }

    public string Status { get; set; } = "normal";
}

public sealed class ImageOption
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary><c>gold</c> (public) or <c>private</c>.</summary>
    public string ImageType { get; set; } = "gold";

    /// <summary><c>Windows</c> or <c>Linux</c>.</summary>
    public string OsType { get; set; } = "";

    public string OsVersion { get; set; } = "";

    public string Platform { get; set; } = "";

    public string Architecture { get; set; } = "x86";

    public int MinDiskGb { get; set; } = 40;

    public int MinRamMb { get; set; }

    public string DiskFormat { get; set; } = "qcow2";

    /// <summary>For private images: <c>desktop</c> or <c>image_file</c>, what the image was made from.</summary>
    public string? Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class VpcOption
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Cidr { get; set; } = "";

    public List<SubnetOption> Subnets { get; init; } = [];
}

public sealed class SubnetOption
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Cidr { get; set; } = "";
}

public sealed class DiskTypeOption
{
    public string Type { get; set; } = "";

    public string Name { get; set; } = "";
}

public sealed class SecurityGroupOption
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";
}
