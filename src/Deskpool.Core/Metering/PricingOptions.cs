namespace Deskpool.Core.Metering;

/// <summary>
/// The price list in configuration (section <c>Deskpool:Pricing</c>). It is an input only: the
/// server records it in the database, with the instant it takes effect, when it first sees a new
/// <see cref="Revision"/>, and metering reads the recorded history. Raising the revision is how
/// prices change; they apply from the moment they are recorded, never to time already past.
/// </summary>
public sealed class PricingOptions
{
    public const string Section = "Deskpool:Pricing";

    /// <summary>Raised by one whenever prices change; a node never records a revision lower than one already recorded.</summary>
    public int Revision { get; set; } = 1;

    /// <summary>ISO 4217 code. It cannot change once a price list is recorded.</summary>
    public string Currency { get; set; } = "";

    /// <summary>Price of one running hour per package (<c>product_id</c>).</summary>
    public Dictionary<string, decimal> Packages { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Price of one GB-hour per disk type (<c>SAS</c>, <c>SSD</c>, <c>GPSSD</c>).</summary>
    public Dictionary<string, decimal> Disks { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>How the meter works: how often hours are rolled up, and how long after an hour ends it is closed.</summary>
public sealed class MeteringOptions
{
    public const string Section = "Deskpool:Metering";

    /// <summary>How often a node looks for hours to roll up.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after an hour ends it is rolled up. Covers writes still in flight when the hour
    /// ended and small clock differences between nodes; a change that still arrives later is
    /// caught and the hours it touches are rolled up again.
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Hours one roll-up round covers at most, to keep its transaction short.</summary>
    public int MaxHoursPerRound { get; set; } = 24;
}
