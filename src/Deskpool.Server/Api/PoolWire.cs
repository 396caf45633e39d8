using Deskpool.Core.Broker;
using Deskpool.Core.Catalog;
using Deskpool.Core.Desktops;
using Deskpool.Core.Pools;

namespace Deskpool.Server.Api;

// Response shapes of the pool operations, named as the wire names them.

internal sealed record JobIdResponse(string JobId);

internal sealed record VolumeWire(string Type, int Size, string? Id = null, string? ClusterId = "");

internal sealed record TagWire(string Key, string Value);

internal sealed record SecurityGroupWire(string Id, string? Name);

internal sealed record AutoscalePolicyWire(
    string AutoscaleType, int? MaxAutoCreated, int? MinIdle, int? OnceAutoCreated, int? MinRetention, int? IdleRetentionDuration);

internal sealed record UserResetPolicyWire(bool Enable, int? ResetCountPerDay);

internal sealed record ProductWire(
    string ProductId,
    string FlavorId,
    string Type,
    string Architecture,
    string Cpu,
    string Memory,
    bool IsGpu,
    string SystemDiskType,
    string SystemDiskSize,
    string Descriptions,
    string ChargeMode,
    string PackageType,
    string Status,
    IReadOnlyList<string> OsTypes,
    string ResourceType = "hws.resource.type.workspace.desktop",
    string CloudServiceType = "hws.service.type.vdi",
    bool ContainDataDisk = false)
{
    public static ProductWire From(ProductOption p) => new(
        p.ProductId, p.FlavorId, p.Type, p.Architecture, p.Cpu.ToString(), p.MemoryMb.ToString(), p.IsGpu,
        p.SystemDiskType, p.SystemDiskSize.ToString(), p.Descriptions, "1", p.PackageType, p.Status, p.OsTypes);
}

internal sealed record PoolWire(
    string Id,
    string Name,
    string Type,
    string? Description,
    string CreatedTime,
    string ChargingMode,
    int DesktopCount,
    int DesktopUsed,
    int OnDemandDesktopNum,
    string? AvailabilityZone,
    string? SubnetId,
    IReadOnlyList<string> SubnetIds,
    string VpcId,
    ProductWire? Product,
    string ImageId,
    string ImageType,
    string? ImageName,
    string? ImageOsType,
    string? ImageOsVersion,
    string? ImageOsPlatform,
    VolumeWire RootVolume,
    IReadOnlyList<VolumeWire> DataVolumes,
    IReadOnlyList<SecurityGroupWire> SecurityGroups,
    int? DisconnectedRetentionPeriod,
    bool EnableAutoscale,
    AutoscalePolicyWire? AutoscalePolicy,
    UserResetPolicyWire? UserResetPolicy,
    string Status,
    string EnterpriseProjectId,
    bool InMaintenanceMode,
    string? DesktopNamePolicyId,
    IReadOnlyList<TagWire> Tags,
    string? OuName,
    string? Domain,
    int IsolationNum,
    int ErrorDesktopNum,
    string? LastJobId,
    string? FailReason)
{
    public static PoolWire From(PoolView view, Catalog catalog)
    {
        var pool = view.Pool;
        var image = catalog.Image(pool.ImageId);
        var product = catalog.Product(pool.ProductId);
        return new PoolWire(
            pool.Id,
            pool.Name,
            pool.Type == PoolType.Dynamic ? "DYNAMIC" : "STATIC",
            pool.Description,
            ApiJson.Time(pool.CreatedAt),
            pool.ChargingMode,
            view.DesktopCount,
            view.DesktopUsed,
            view.OnDemandCount,
            pool.AvailabilityZone,
            pool.SubnetIds.FirstOrDefault(),
            pool.SubnetIds,
            pool.VpcId,
            product is null ? null : ProductWire.From(product),
            pool.ImageId,
            pool.ImageType,
            image?.Name,
            image?.OsType,
            image?.OsVersion,
            image?.Platform,
            new VolumeWire(pool.RootVolume.Type, pool.RootVolume.Size, pool.RootVolume.Id),
            pool.DataVolumes.Select(v => new VolumeWire(v.Type, v.Size, v.Id)).ToList(),
            pool.SecurityGroupIds.Select(id => new SecurityGroupWire(id,
                catalog.Options.SecurityGroups.FirstOrDefault(g => g.Id == id)?.Name)).ToList(),
            pool.DisconnectedRetentionPeriod,
            pool.EnableAutoscale,
            pool.AutoscalePolicy is { } a
                ? new AutoscalePolicyWire(a.AutoscaleType, a.MaxAutoCreated, a.MinIdle, a.OnceAutoCreated, a.MinRetention,
                    a.IdleRetentionDuration)
                : null,
            pool.UserResetPolicy is { } r ? new UserResetPolicyWire(r.Enable, r.ResetCountPerDay) : null,
            pool.Status.ToString().ToUpperInvariant(),
            pool.EnterpriseProjectId,
            pool.InMaintenanceMode,
            pool.DesktopNamePolicyId,
            pool.Tags.Select(t => new TagWire(t.Key, t.Value)).ToList(),
            pool.OuName,
            pool.Domain,
            0,
            view.ErrorCount,
            pool.LastJobId,
            pool.FailReason);
    }
}

internal sealed record PoolListResponse(int TotalCount, IReadOnlyList<PoolWire> DesktopPools);

internal sealed record PoolDesktopWire(
    string DesktopId,
    string ComputerName,
    string OsHostName,
    IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyDictionary<string, object>>> Addresses,
    IReadOnlyList<string> IpAddresses,
    string? Ipv4,
    string Status,
    string? TaskStatus,
    string LoginStatus,
    string AttachState,
    string DesktopType,
    string Created,
    string AvailabilityZone,
    string SubnetId,
    string ProductId,
    bool InMaintenanceMode,
    bool IsOnDemand,
    string? ErrorCode,
    string? FailReason,
    IReadOnlyList<string> UserList,
    string? UserName,
    IReadOnlyList<AttachUserWire> AttachUserInfos,
    string? ReleaseAt)
{
    public static PoolDesktopWire From(Desktop d, string productId, bool maintenance, Binding? binding)
    {
        var addresses = d.IpAddress is null
            ? new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, object>>>()
            : new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, object>>>
            {
                [d.SubnetId] =
                [
                    new Dictionary<string, object>
                    {
                        ["addr"] = d.IpAddress,
                        ["version"] = 4,
                        ["OS-EXT-IPS-MAC:mac_addr"] = d.MacAddress,
                        ["OS-EXT-IPS:type"] = "fixed",
                    },
                ],
            };
        return new PoolDesktopWire(
            d.Id,
            d.ComputerName,
            d.ComputerName,
            addresses,
            d.IpAddress is null ? [] : [d.IpAddress],
            d.IpAddress,
            DesktopTransitions.WireStatus(d.State),
            DesktopTransitions.WireTaskStatus(d.State),
            LoginStatusOf(d, binding),
            binding is null ? "UNATTACH" : "ATTACHED",
            "POOLED",
            ApiJson.Time(d.CreatedAt),
            d.AvailabilityZone,
            d.SubnetId,
            productId,
            maintenance,
            d.OnDemand,
            d.ErrorCode,
            d.FailReason,
            binding is null ? [] : [binding.UserName],
            binding?.UserName,
            binding is null ? [] : [new AttachUserWire(binding.UserId, binding.UserName, "USER")],
            binding?.ReleaseAt is { } release ? ApiJson.Time(release) : null);
    }

    /// <summary>The wire's <c>login_status</c>: the user's session when bound, else whether the desktop is up.</summary>
    private static string LoginStatusOf(Desktop d, Binding? binding) => binding?.State switch
    {
        SessionState.Connected => "CONNECTED",
        SessionState.Disconnected => "DISCONNECTED",
        _ => d.State is DesktopState.Running ? "REGISTERED" : "UNREGISTER",
    };
}

internal sealed record AttachUserWire(string UserId, string UserName, string Type);

internal sealed record PoolDesktopListResponse(
    int TotalCount,
    int OnDemandDesktopsNum,
    int PeriodDesktopsNum,
    IReadOnlyList<PoolDesktopWire> PoolDesktops);
