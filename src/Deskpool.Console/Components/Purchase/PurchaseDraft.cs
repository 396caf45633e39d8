using Deskpool.Core.Pools;

namespace Deskpool.WebConsole.Components.Purchase;

public sealed class DiskDraft(string? type, int? size)
{
    public string? Type { get; set; } = type;

    public int? Size { get; set; } = size;
}

public sealed class TagDraft
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

/// <summary>A user or user group to be authorised on the new pool, with its permission group.</summary>
public sealed class AssignedObject
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary><c>USER</c> or <c>USER_GROUP</c>, as the create request names them.</summary>
    public required string ObjectType { get; init; }

    public string? Detail { get; init; }

    public string? PermissionGroup { get; set; }
}

/// <summary>
/// Everything the purchase wizard has been told, kept in one place for the life of the page so that
/// going back and forth between steps loses nothing. It becomes the very request the REST API takes.
/// </summary>
public sealed class PurchaseDraft
{
    /// <summary>The request fields each step asks for; a failure about a field is shown on its step.</summary>
    public static readonly string[][] StepFields =
    [
        ["charging_mode", "name", "type", "size", "availability_zone", "product_id", "image_type", "image_id",
            "root_volume", "data_volumes"],
        ["vpc_id", "subnet_ids", "enable_autoscale", "autoscale_policy", "disconnected_retention_period", "tags",
            "desktop_name_policy_id"],
        ["authorized_objects"],
        ["enterprise_project_id", "description"],
    ];

    public string ChargingMode { get; set; } = ChargingModes.PayPerUse;

    public string? Name { get; set; }

    public string Type { get; set; } = "DYNAMIC";

    public int? Size { get; set; } = 1;

    public string? Zone { get; set; }

    public string Architecture { get; set; } = "x86";

    public string? ProductId { get; set; }

    public string ImageType { get; set; } = "gold";

    public string? ImageId { get; set; }

    public DiskDraft RootVolume { get; } = new("SAS", 80);

    public List<DiskDraft> DataVolumes { get; } = [];

    public string? VpcId { get; set; }

    public IReadOnlyCollection<string> SubnetIds { get; set; } = [];

    public bool EnableAutoscale { get; set; }

    public string AutoscaleType { get; set; } = AutoscaleTypes.AccessCreated;

    public int? MaxAutoCreated { get; set; }

    public int? MinIdle { get; set; }

    public int? OnceAutoCreated { get; set; }

    public int? RetentionMinutes { get; set; } = 60;

    public List<TagDraft> Tags { get; } = [];

    public string? NamingPolicyId { get; set; }

    /// <summary>The chosen rule's name, for the summary (the request carries only the id).</summary>
    public string? NamingPolicyName { get; set; }

    public List<AssignedObject> Users { get; } = [];

    public List<AssignedObject> Groups { get; } = [];

    public string? EnterpriseProjectId { get; set; }

    public string? Description { get; set; }

    public static int StepOf(string? field)
    {
        for (var step = 0; step < StepFields.Length; step++)
        {
            if (field is not null && StepFields[step].Any(f => field == f
                    || field.StartsWith(f + ".", StringComparison.Ordinal)
                    || field.StartsWith(f + "[", StringComparison.Ordinal)))
            {
                return step;
            }
        }

        return StepFields.Length - 1;
    }

    public CreatePoolRequest ToRequest()
    {
        var preCreate = AutoscaleType == AutoscaleTypes.AutoCreated;
        return new CreatePoolRequest
        {
            Name = Name,
            Type = Type,
            Size = Size,
            Description = string.IsNullOrEmpty(Description) ? null : Description,
            AvailabilityZone = Zone,
            ProductId = ProductId,
            ImageType = ImageType,
            ImageId = ImageId,
            RootVolume = new VolumeRequest(RootVolume.Type, RootVolume.Size),
            DataVolumes = DataVolumes.Select(d => (VolumeRequest?)new VolumeRequest(d.Type, d.Size)).ToList(),
            VpcId = VpcId,
            // No subnet chosen yet reads as "missing", which the wizard holds back until the person tries to go on.
            SubnetIds = SubnetIds.Count == 0 ? null : SubnetIds.Select(s => (string?)s).ToList(),
            Tags = Tags.Select(t => (TagRequest?)new TagRequest(t.Key, t.Value)).ToList(),
            EnterpriseProjectId = EnterpriseProjectId,
            DisconnectedRetentionPeriod = Type == "DYNAMIC" ? RetentionMinutes : null,
            EnableAutoscale = EnableAutoscale,
            AutoscalePolicy = EnableAutoscale
                ? new AutoscalePolicyRequest(AutoscaleType, MaxAutoCreated, preCreate ? MinIdle : null,
                    preCreate ? OnceAutoCreated : null, null, null)
                : null,
            DesktopNamePolicyId = NamingPolicyId,
            AuthorizedObjects = Users.Concat(Groups)
                .Select(o => (AuthorizedObjectRequest?)new AuthorizedObjectRequest(
                    o.Id, o.Name, o.ObjectType, o.PermissionGroup))
                .ToList(),
            ChargingMode = ChargingMode,
        };
    }
}
