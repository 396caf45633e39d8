using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Deskpool.Core.Metering;

internal sealed class PriceListConfiguration : IEntityTypeConfiguration<PriceList>
{
    public void Configure(EntityTypeBuilder<PriceList> builder)
    {
        builder.ToTable("price_lists");
        builder.HasKey(l => l.Revision);
        builder.Property(l => l.Revision).ValueGeneratedNever();
        builder.Property(l => l.Currency).HasMaxLength(3);
        builder.Property(l => l.RecordedBy).HasMaxLength(128);
        builder.HasMany(l => l.Prices).WithOne().HasForeignKey(p => p.Revision);
    }
}

internal sealed class PriceConfiguration : IEntityTypeConfiguration<Price>
{
    public void Configure(EntityTypeBuilder<Price> builder)
    {
        builder.ToTable("prices");
        builder.HasKey(p => new { p.Revision, p.Kind, p.Item });
        builder.Property(p => p.Item).HasMaxLength(64);
        builder.Property(p => p.UnitPrice).HasPrecision(20, 8);
    }
}

internal sealed class PoolHourCostConfiguration : IEntityTypeConfiguration<PoolHourCost>
{
    public void Configure(EntityTypeBuilder<PoolHourCost> builder)
    {
        builder.ToTable("pool_hour_costs");
        builder.HasKey(c => new { c.PoolId, c.HourStart });
        builder.Property(c => c.PoolId).HasMaxLength(64);
        builder.Property(c => c.ProjectId).HasMaxLength(64);
        builder.Property(c => c.ComputeAmount).HasPrecision(20, 6);
        builder.Property(c => c.DiskAmount).HasPrecision(20, 6);
        builder.HasIndex(c => new { c.ProjectId, c.HourStart });
        builder.HasIndex(c => c.HourStart);
    }
}

internal sealed class MeterProgressConfiguration : IEntityTypeConfiguration<MeterProgress>
{
    public void Configure(EntityTypeBuilder<MeterProgress> builder)
    {
        builder.ToTable("meter_progress");
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class MeterCursorConfiguration : IEntityTypeConfiguration<MeterCursor>
{
    public void Configure(EntityTypeBuilder<MeterCursor> builder)
    {
        builder.ToTable("meter_cursors");
        builder.HasKey(c => c.DesktopId);
        builder.Property(c => c.DesktopId).HasMaxLength(64);
    }
}
