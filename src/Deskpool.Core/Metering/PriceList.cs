namespace Deskpool.Core.Metering;

/// <summary>
/// One recorded revision of the price list. Rows are only ever added: the prices in force at an
/// instant are those of the latest revision that took effect at or before it.
/// </summary>
public sealed class PriceList
{
    public int Revision { get; init; }

    public required string Currency { get; init; }

    /// <summary>When these prices start to apply: the moment they were recorded, never earlier.</summary>
    public DateTimeOffset EffectiveFrom { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The node that recorded the revision.</summary>
    public required string RecordedBy { get; init; }

    public List<Price> Prices { get; init; } = [];
}

/// <summary>One price of a revision: a package's hourly price or a disk type's GB-hour price.</summary>
public sealed class Price
{
    public int Revision { get; init; }

    public PriceKind Kind { get; init; }

    /// <summary>The package's <c>product_id</c> or the disk type.</summary>
    public required string Item { get; init; }

    public decimal UnitPrice { get; init; }
}

public enum PriceKind
{
    /// <summary>Per running hour of a desktop of the package.</summary>
    Package,

    /// <summary>Per GB-hour of a disk of the type.</summary>
    Disk,
}
