namespace Deskpool.Core.Metering;

/// <summary>Usage and cost of one group or period. Every amount is a sum of bill lines, each rounded once.</summary>
public sealed record CostFigures(
    decimal Amount,
    decimal ComputeAmount,
    decimal DiskAmount,
    long RunningSeconds,
    long DiskGbSeconds)
{
    public static readonly CostFigures Zero = From(default);

    internal static CostFigures From(in Tally tally) => new(
        Money.FromMicros(tally.ComputeMicros + tally.DiskMicros),
        Money.FromMicros(tally.ComputeMicros),
        Money.FromMicros(tally.DiskMicros),
        tally.RunningSeconds,
        tally.DiskGbSeconds);
}

/// <summary>One hour or day of a report, clipped to the report's range.</summary>
public sealed record CostPeriod(DateTimeOffset Start, DateTimeOffset End, CostFigures Figures);

/// <summary>
/// One group of a report: a project, an enterprise project, a pool or a desktop. Fields finer than
/// the grouping are null (a pool group names no desktop).
/// </summary>
public sealed record CostGroup(
    string ProjectId,
    string? EnterpriseProjectId,
    string? PoolId,
    string? PoolName,
    string? DesktopId,
    string? ComputerName,
    CostFigures Total,
    IReadOnlyList<CostPeriod> Periods);

/// <summary>
/// A cost report. <see cref="Total"/> and <see cref="Periods"/> cover every group, also those on
/// other pages; <see cref="MeteredUntil"/> is where usage stops being counted (the end of the
/// range, or now if the range reaches into the future).
/// </summary>
public sealed record CostReport(
    string Currency,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset MeteredUntil,
    string Granularity,
    string GroupBy,
    int TotalCount,
    CostFigures Total,
    IReadOnlyList<CostPeriod> Periods,
    IReadOnlyList<CostGroup> Groups);

/// <summary>A report for export: every group, streamed rather than paged.</summary>
public sealed record CostExport(
    string Currency,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset MeteredUntil,
    string Granularity,
    string GroupBy,
    IAsyncEnumerable<CostGroup> Groups);
