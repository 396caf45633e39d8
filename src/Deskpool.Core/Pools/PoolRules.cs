using System.Text.RegularExpressions;
using Deskpool.Core.Catalog;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Pools;

/// <summary>The validated, normalised content of a create-pool request.</summary>
public sealed record PoolSpec(
    string Name,
    PoolType Type,
    int Size,
    string? Description,
    string? AvailabilityZone,
    ProductOption Product,
    ImageOption Image,
    VolumeRequest RootVolume,
    IReadOnlyList<VolumeRequest> DataVolumes,
    string VpcId,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroupIds,
    IReadOnlyList<Tag> Tags,
    string EnterpriseProjectId,
    int? RetentionMinutes,
    bool EnableAutoscale,
    AutoscalePolicy? Autoscale,
    UserResetPolicy? UserReset,
    string? NamingPolicyId,
    string? OuName,
    string? Domain,
    string ChargingMode);

/// <summary>
/// Every rule of the purchase page and the wire contract that concerns a pool request.
/// Rules that need the database (name uniqueness, naming-policy existence, quota) are checked
/// by <see cref="PoolService"/> after these pass.
/// </summary>
public static partial class PoolRules
{
    public const int MaxNameLength = 64;
    public const int MaxSizePerRequest = 1000;
    public const int MaxDataVolumes = 10;
    public const int MinRetentionMinutes = 10;
    public const int MaxRetentionMinutes = 43_200;
    public const int MaxAutoCreated = 1000;
    public const int MaxOnceAutoCreated = 100;

    private static readonly string[] PoolTypes = ["DYNAMIC", "STATIC"];
    private static readonly string[] ImageTypes = ["gold", "private"];
    private static readonly string[] ChargingModeValues = [ChargingModes.Prepaid, ChargingModes.PayPerUse];

    [GeneratedRegex(@"^[\u4e00-\u9fa5A-Za-z0-9-]+\z")]
    private static partial Regex PoolNamePattern();

    public static Outcome<PoolSpec> Check(CreatePoolRequest request, Catalog.Catalog catalog)
    {
        var rules = new Rules();

        var name = PoolName(rules, request.Name, required: true);
        var type = PoolTypeOf(rules, request.Type);
        if (rules.Required("size", request.Size))
        {
            rules.Range("size", request.Size, 0, MaxSizePerRequest);
        }

        rules.Length("description", request.Description, 0, 255);
        rules.PlainText("description", request.Description);
        rules.Length("ou_name", request.OuName, 0, 255);
        rules.Length("domain", request.Domain, 1, 255);
        rules.Length("flavor_id", request.FlavorId, 1, 255);
        rules.OneOf("charging_mode", request.ChargingMode, ChargingModeValues);
        var chargingMode = request.ChargingMode ?? ChargingModes.PayPerUse;

        var zone = Zone(rules, request.AvailabilityZone, catalog);
        var (product, image) = ProductAndImage(rules, request, chargingMode, catalog);
        var root = RootVolume(rules, request.RootVolume, image, catalog);
        var data = DataVolumes(rules, request.DataVolumes, catalog);
        var (vpcId, subnetIds) = Network(rules, request.VpcId, request.SubnetIds, catalog);
        var securityGroups = SecurityGroups(rules, request.SecurityGroups, catalog);
        var tags = CommonRules.Tags(rules, request.Tags);
        CommonRules.EnterpriseProjectId(rules, "enterprise_project_id", request.EnterpriseProjectId);
        Retention(rules, type, request.DisconnectedRetentionPeriod);
        var autoscale = Autoscale(rules, request.EnableAutoscale, request.AutoscalePolicy);
        var userReset = UserReset(rules, request.UserResetPolicy);
        rules.Length("desktop_name_policy_id", request.DesktopNamePolicyId, 0, 36);

        rules.Count("authorized_objects", request.AuthorizedObjects, 0, PoolAuthorizationService.MaxObjects);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        return new PoolSpec(
            name!,
            type!.Value,
            request.Size!.Value,
            request.Description,
            zone,
            product!,
            image!,
            root!,
            data,
            vpcId!,
            subnetIds,
            securityGroups,
            tags,
            string.IsNullOrEmpty(request.EnterpriseProjectId) ? "0" : request.EnterpriseProjectId,
            request.DisconnectedRetentionPeriod,
            request.EnableAutoscale ?? false,
            autoscale,
            userReset,
            string.IsNullOrEmpty(request.DesktopNamePolicyId) ? null : request.DesktopNamePolicyId,
            request.OuName,
            request.Domain,
            chargingMode);
    }

    /// <summary>Pool names: 1–64 characters of Chinese characters, letters, digits and '-'.</summary>
    public static string? PoolName(Rules rules, string? name, bool required)
    {
        if (name is null && !required)
        {
            return null;
        }

        if (!rules.Required("name", name) || !rules.Length("name", name, 1, MaxNameLength))
        {
            return null;
        }

        return rules.Matches("name", name, PoolNamePattern(), "may contain only Chinese characters, letters, digits and '-'")
            ? name
            : null;
    }

    public static void Retention(Rules rules, PoolType? type, int? minutes)
    {
        const string field = "disconnected_retention_period";
        if (type == PoolType.Static && minutes is not null)
        {
            rules.Fail(ErrorCodes.FieldNotAllowed, field,
                $"{field} applies to dynamic pools only; static pools keep their bindings.");
        }
        else if (type == PoolType.Dynamic && rules.Required(field, minutes))
        {
            rules.Range(field, minutes, MinRetentionMinutes, MaxRetentionMinutes);
        }
    }

    public static AutoscalePolicy? Autoscale(Rules rules, bool? enable, AutoscalePolicyRequest? policy)
    {
        const string field = "autoscale_policy";
        if (enable == true && !rules.Required(field, policy))
        {
            return null;
        }

        if (policy is null)
        {
            return null;
        }

        if (!rules.Required($"{field}.autoscale_type", policy.AutoscaleType)
            || !rules.OneOf($"{field}.autoscale_type", policy.AutoscaleType, AutoscaleTypes.All))
        {
            return null;
        }

        var ok = rules.Required($"{field}.max_auto_created", policy.MaxAutoCreated)
            && rules.Range($"{field}.max_auto_created", policy.MaxAutoCreated, 1, MaxAutoCreated);
        if (policy.AutoscaleType == AutoscaleTypes.AutoCreated)
        {
            ok &= rules.Required($"{field}.min_idle", policy.MinIdle)
                && rules.Range($"{field}.min_idle", policy.MinIdle, 1, MaxAutoCreated);
            ok &= rules.Required($"{field}.once_auto_created", policy.OnceAutoCreated)
                && rules.Range($"{field}.once_auto_created", policy.OnceAutoCreated, 1, MaxOnceAutoCreated);
            if (ok && policy.OnceAutoCreated > policy.MaxAutoCreated)
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, $"{field}.once_auto_created",
                    $"{field}.once_auto_created ({policy.OnceAutoCreated}) may not exceed " +
                    $"{field}.max_auto_created ({policy.MaxAutoCreated}).");
                ok = false;
            }
        }
        else
        {
            ok &= rules.Range($"{field}.min_idle", policy.MinIdle, 0, MaxAutoCreated);
            ok &= rules.Range($"{field}.once_auto_created", policy.OnceAutoCreated, 1, MaxOnceAutoCreated);
        }

        ok &= rules.Range($"{field}.min_retention", policy.MinRetention, 0, 5000);
        ok &= rules.Range($"{field}.idle_retention_duration", policy.IdleRetentionDuration, 0, MaxRetentionMinutes);
        return ok
            ? new AutoscalePolicy(policy.AutoscaleType!, policy.MaxAutoCreated, policy.MinIdle, policy.OnceAutoCreated,
                policy.MinRetention, policy.IdleRetentionDuration)
            : null;
    }

    public static UserResetPolicy? UserReset(Rules rules, UserResetPolicyRequest? policy)
    {
        if (policy is null)
        {
            return null;
        }

        var enable = policy.Enable ?? false;
        if (enable && rules.Required("user_reset_policy.reset_count_per_day", policy.ResetCountPerDay))
        {
            rules.Range("user_reset_policy.reset_count_per_day", policy.ResetCountPerDay, 1, 100);
        }
        else
        {
            rules.Range("user_reset_policy.reset_count_per_day", policy.ResetCountPerDay, 1, 100);
        }

        return new UserResetPolicy(enable, policy.ResetCountPerDay);
    }

    public static string? Zone(Rules rules, string? zone, Catalog.Catalog catalog)
    {
        if (string.IsNullOrEmpty(zone))
        {
            return null;
        }

        if (catalog.Zone(zone) is null)
        {
            rules.Fail(ErrorCodes.UnknownReference, "availability_zone",
                $"availability_zone '{zone}' is not a zone of region {catalog.Region} " +
                $"(zones: {string.Join(", ", catalog.Zones.Select(z => z.Id))}).");
            return null;
        }

        return zone;
    }

    private static PoolType? PoolTypeOf(Rules rules, string? type)
    {
        if (!rules.Required("type", type) || !rules.OneOf("type", type, PoolTypes))
        {
            return null;
        }

        return type == "DYNAMIC" ? PoolType.Dynamic : PoolType.Static;
    }

    private static (ProductOption? Product, ImageOption? Image) ProductAndImage(
        Rules rules, CreatePoolRequest request, string chargingMode, Catalog.Catalog catalog)
    {
        ProductOption? product = null;
        if (rules.Required("product_id", request.ProductId) && rules.Length("product_id", request.ProductId, 1, 255))
        {
            product = catalog.Product(request.ProductId);
            if (product is null)
            {
                rules.Fail(ErrorCodes.UnknownReference, "product_id", $"product_id '{request.ProductId}' is not in the catalogue.");
            }
            else if (product.Status != "normal")
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "product_id",
                    $"product_id '{product.ProductId}' is {product.Status} and cannot be bought.");
                product = null;
            }
            else if (product.Architecture != "x86")
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "product_id",
                    $"product_id '{product.ProductId}' is a {product.Architecture} package; pools are built on x86.");
                product = null;
            }
        }

        var imageTypeOk = rules.Required("image_type", request.ImageType)
            && rules.OneOf("image_type", request.ImageType, ImageTypes);
        ImageOption? image = null;
        if (rules.Required("image_id", request.ImageId) && rules.Length("image_id", request.ImageId, 1, 255))
        {
            image = catalog.Image(request.ImageId);
            if (image is null)
            {
                rules.Fail(ErrorCodes.UnknownReference, "image_id", $"image_id '{request.ImageId}' is not in the catalogue.");
                return (product, null);
            }
        }

        if (image is null)
        {
            return (product, null);
        }

        if (imageTypeOk && image.ImageType != request.ImageType)
        {
            rules.Fail(ErrorCodes.IncompatibleChoice, "image_type",
                $"image_type is '{request.ImageType}' but image {image.Id} is a {image.ImageType} image.");
        }

        if (chargingMode == ChargingModes.PayPerUse && image.OsType != "Windows")
        {
            rules.Fail(ErrorCodes.IncompatibleChoice, "image_id",
                $"image_id '{image.Id}' runs {image.OsType}; pay-per-use pools take Windows images only " +
                "(public Windows images, or private images made from Windows desktops or Windows image files).");
        }

        if (product is not null)
        {
            if (image.Architecture != product.Architecture)
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "image_id",
                    $"image_id '{image.Id}' is built for {image.Architecture}, package {product.ProductId} is {product.Architecture}.");
            }
            else if (!product.OsTypes.Contains(image.OsType))
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "image_id",
                    $"image_id '{image.Id}' runs {image.OsType}, which package {product.ProductId} does not allow " +
                    $"(allowed: {string.Join(", ", product.OsTypes)}).");
            }
            else if (image.ImageType == "private" && product.Type != "BASE")
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "product_id",
                    $"product_id '{product.ProductId}' is a {product.Type} package; " +
                    "private images need a BASE package.");
            }
            else if (image.MinRamMb > product.MemoryMb)
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "product_id",
                    $"product_id '{product.ProductId}' has {product.MemoryMb} MB of memory; " +
                    $"image {image.Id} needs at least {image.MinRamMb} MB.");
            }
        }

        return (product, image);
    }

    private static VolumeRequest? RootVolume(Rules rules, VolumeRequest? volume, ImageOption? image, Catalog.Catalog catalog)
    {
        if (!rules.Required("root_volume", volume))
        {
            return null;
        }

        var ok = DiskType(rules, "root_volume.type", volume!.Type, catalog);
        ok &= DiskSize(rules, "root_volume.size", volume.Size, 80, 1020);
        if (ok && image is not null && volume.Size < image.MinDiskGb)
        {
            rules.Fail(ErrorCodes.IncompatibleChoice, "root_volume.size",
                $"root_volume.size must be at least {image.MinDiskGb} GB for image {image.Id} (got {volume.Size}).");
            ok = false;
        }

        return ok ? volume : null;
    }

    private static List<VolumeRequest> DataVolumes(Rules rules, IReadOnlyList<VolumeRequest?>? volumes, Catalog.Catalog catalog)
    {
        var result = new List<VolumeRequest>();
        if (volumes is null || !rules.Count("data_volumes", volumes, 0, MaxDataVolumes))
        {
            return result;
        }

        for (var i = 0; i < volumes.Count; i++)
        {
            var field = $"data_volumes[{i}]";
            if (!rules.Required(field, volumes[i]))
            {
                continue;
            }

            var volume = volumes[i]!;
            var ok = DiskType(rules, $"{field}.type", volume.Type, catalog);
            ok &= DiskSize(rules, $"{field}.size", volume.Size, 10, 8200);
            if (ok)
            {
                result.Add(volume);
            }
        }

        return result;
    }

    private static bool DiskType(Rules rules, string field, string? type, Catalog.Catalog catalog)
    {
        if (!rules.Required(field, type))
        {
            return false;
        }

        if (catalog.IsDiskType(type))
        {
            return true;
        }

        rules.Fail(ErrorCodes.FieldFormat, field,
            $"{field} must be one of {string.Join(", ", catalog.Options.DiskTypes.Select(d => d.Type))} (got '{type}').");
        return false;
    }

    private static bool DiskSize(Rules rules, string field, int? size, int min, int max)
    {
        if (!rules.Required(field, size) || !rules.Range(field, size, min, max))
        {
            return false;
        }

        if (size % 10 != 0)
        {
            rules.Fail(ErrorCodes.FieldFormat, field, $"{field} must be a multiple of 10 GB (got {size}).");
            return false;
        }

        return true;
    }

    private static (string? VpcId, List<string> SubnetIds) Network(
        Rules rules, string? vpcId, IReadOnlyList<string?>? subnetIds, Catalog.Catalog catalog)
    {
        var subnets = new List<string>();
        if (vpcId is not null && catalog.Vpc(vpcId) is null)
        {
            rules.Fail(ErrorCodes.UnknownReference, "vpc_id", $"vpc_id '{vpcId}' is not a VPC of this region.");
            return (null, subnets);
        }

        if (!rules.Required("subnet_ids", subnetIds) || !rules.Count("subnet_ids", subnetIds, 1, 100))
        {
            return (null, subnets);
        }

        string? inferredVpc = vpcId;
        for (var i = 0; i < subnetIds!.Count; i++)
        {
            var field = $"subnet_ids[{i}]";
            var subnetId = subnetIds[i];
            if (!rules.Required(field, subnetId))
            {
                continue;
            }

            var vpc = catalog.VpcOfSubnet(subnetId!);
            if (vpc is null)
            {
                rules.Fail(ErrorCodes.UnknownReference, field, $"{field} '{subnetId}' is not a subnet of any VPC.");
                continue;
            }

            inferredVpc ??= vpc.Id;
            if (vpc.Id != inferredVpc)
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, field,
                    $"{field} '{subnetId}' belongs to VPC {vpc.Id}, not to VPC {inferredVpc}; all subnets must be in the pool's VPC.");
                continue;
            }

            if (subnets.Contains(subnetId!))
            {
                rules.Fail(ErrorCodes.FieldNotAllowed, field, $"{field} '{subnetId}' appears more than once.");
                continue;
            }

            subnets.Add(subnetId!);
        }

        return (inferredVpc, subnets);
    }

    private static List<string> SecurityGroups(
        Rules rules, IReadOnlyList<SecurityGroupRequest?>? groups, Catalog.Catalog catalog)
    {
        var result = new List<string>();
        if (groups is null || !rules.Count("security_groups", groups, 0, 5))
        {
            return result;
        }

        for (var i = 0; i < groups.Count; i++)
        {
            var field = $"security_groups[{i}].id";
            var id = groups[i]?.Id;
            if (!rules.Required(field, id))
            {
                continue;
            }

            if (!catalog.IsSecurityGroup(id))
            {
                rules.Fail(ErrorCodes.UnknownReference, field, $"{field} '{id}' is not a security group of this region.");
                continue;
            }

            if (result.Contains(id!))
            {
                rules.Fail(ErrorCodes.FieldNotAllowed, field, $"{field} '{id}' appears more than once.");
                continue;
            }

            result.Add(id!);
        }

        return result;
    }
}
