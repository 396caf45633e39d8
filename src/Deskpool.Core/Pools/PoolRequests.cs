namespace Deskpool.Core.Pools;

// The request shapes follow the Workspace v2 wire contract field for field (snake_case on the
// wire). Every property is nullable so that "absent" and "wrong" can be told apart by the rules.

public sealed record VolumeRequest(string? Type, int? Size, string? Id = null);

public sealed record TagRequest(string? Key, string? Value);

public sealed record SecurityGroupRequest(string? Id);

public sealed record AutoscalePolicyRequest(
    string? AutoscaleType,
    int? MaxAutoCreated,
    int? MinIdle,
    int? OnceAutoCreated,
    int? MinRetention,
    int? IdleRetentionDuration);

public sealed record UserResetPolicyRequest(bool? Enable, int? ResetCountPerDay);

public sealed record AuthorizedObjectRequest(string? ObjectId, string? ObjectName, string? ObjectType, string? UserGroup);

public sealed record CreatePoolRequest
{
    public string? Name { get; init; }

    public string? Type { get; init; }

    public int? Size { get; init; }

    public string? Description { get; init; }

    public string? AvailabilityZone { get; init; }

    public string? ProductId { get; init; }

    public string? FlavorId { get; init; }

    public string? ImageType { get; init; }

    public string? ImageId { get; init; }

    public VolumeRequest? RootVolume { get; init; }

    public List<VolumeRequest?>? DataVolumes { get; init; }

    public string? VpcId { get; init; }

    public List<string?>? SubnetIds { get; init; }

    public List<SecurityGroupRequest?>? SecurityGroups { get; init; }

    public List<AuthorizedObjectRequest?>? AuthorizedObjects { get; init; }

    public string? OuName { get; init; }

    public List<TagRequest?>? Tags { get; init; }

    public string? EnterpriseProjectId { get; init; }

    public int? DisconnectedRetentionPeriod { get; init; }

    public bool? EnableAutoscale { get; init; }

    public AutoscalePolicyRequest? AutoscalePolicy { get; init; }

    public UserResetPolicyRequest? UserResetPolicy { get; init; }

    public string? DesktopNamePolicyId { get; init; }

    public string? Domain { get; init; }

    /// <summary>Deskpool extension: <c>"1"</c> pay-per-use (default) or <c>"0"</c> prepaid.</summary>
    public string? ChargingMode { get; init; }
}

/// <summary>The updatable attributes; anything that would rebuild desktops goes through its own operation.</summary>
public sealed record UpdatePoolRequest
{
    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? OuName { get; init; }

    public List<TagRequest?>? Tags { get; init; }

    public int? DisconnectedRetentionPeriod { get; init; }

    public bool? EnableAutoscale { get; init; }

    public AutoscalePolicyRequest? AutoscalePolicy { get; init; }

    public UserResetPolicyRequest? UserResetPolicy { get; init; }

    public bool? InMaintenanceMode { get; init; }

    public string? DesktopNamePolicyId { get; init; }

    public string? EnterpriseProjectId { get; init; }

    public string? AvailabilityZone { get; init; }

    // Present on the wire but not changeable here; the rules refuse them with a pointer to the right call.
    public string? Type { get; init; }

    public int? Size { get; init; }

    public string? ImageId { get; init; }

    public string? ProductId { get; init; }

    public List<string?>? SubnetIds { get; init; }

    public string? VpcId { get; init; }

    public List<SecurityGroupRequest?>? SecurityGroups { get; init; }

    public string? ImageType { get; init; }

    public VolumeRequest? RootVolume { get; init; }

    public List<VolumeRequest?>? DataVolumes { get; init; }
}

public sealed record ExpandPoolRequest(int? Size);

public sealed record PoolActionRequest(string? OpType, string? Type);

public sealed record PoolListQuery(
    string? Name,
    string? Type,
    string? EnterpriseProjectId,
    bool? InMaintenanceMode,
    int Offset,
    int Limit);

public sealed record PoolDesktopQuery(
    int Offset,
    int Limit,
    string? Status,
    string? ComputerName,
    string? DesktopIp,
    string? AvailabilityZone,
    string? SubnetId,
    string? SortField,
    string? SortType);
