namespace Deskpool.Core.Pools;

/// <summary>A set of desktops created from one specification.</summary>
public sealed class Pool
{
    public required string Id { get; init; }

    public required string ProjectId { get; init; }

    public required string Name { get; set; }

    public PoolType Type { get; init; }

    public string? Description { get; set; }

    public string ChargingMode { get; init; } = ChargingModes.PayPerUse;

    public required string ProductId { get; init; }

    public required string ImageId { get; init; }

    public required string ImageType { get; init; }

    public required Volume RootVolume { get; init; }

    public List<Volume> DataVolumes { get; init; } = [];

    public required string VpcId { get; init; }

    public List<string> SubnetIds { get; init; } = [];

    public List<string> SecurityGroupIds { get; init; } = [];

    /// <summary>The zone the pool is pinned to, or null when its desktops are spread over every zone.</summary>
    public string? AvailabilityZone { get; set; }

    public string EnterpriseProjectId { get; set; } = "0";

    public int? DisconnectedRetentionPeriod { get; set; }

    public bool EnableAutoscale { get; set; }

    public AutoscalePolicy? AutoscalePolicy { get; set; }

    public UserResetPolicy? UserResetPolicy { get; set; }

    public List<Tag> Tags { get; set; } = [];

    public string? DesktopNamePolicyId { get; set; }

    public string? OuName { get; set; }

    public string? Domain { get; set; }

    public bool InMaintenanceMode { get; set; }

    public PoolStatus Status { get; set; }

    /// <summary>Why the pool's last job failed, in full, for the pool list.</summary>
    public string? FailReason { get; set; }

    public string? LastJobId { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set when the pool is deleted; the row stays for cost history.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped on every change.</summary>
    public long Version { get; set; }
}
