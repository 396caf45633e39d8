using Deskpool.Core.Validation;

namespace Deskpool.Core.Metering;

/// <summary>A cost report request as the door read it; <see cref="CostRules"/> says whether it can be answered.</summary>
public sealed record CostQuery(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Granularity,
    string? GroupBy,
    int Offset = 0,
    int Limit = CostRules.DefaultLimit);

public static class Granularities
{
    public const string Hourly = "hourly";
    public const string Daily = "daily";

    public static readonly string[] All = [Hourly, Daily];
}

public static class CostGroupings
{
    public const string Project = "project";
    public const string EnterpriseProject = "enterprise_project";
    public const string Pool = "pool";
    public const string Desktop = "desktop";

    public static readonly string[] All = [Project, EnterpriseProject, Pool, Desktop];
}

/// <summary>A checked request: a range of whole hours, a granularity and a grouping.</summary>
internal sealed record CheckedCostQuery(
    DateTimeOffset From,
    DateTimeOffset To,
    string Granularity,
    string GroupBy,
    int Offset,
    int Limit);

public static class CostRules
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public static readonly TimeSpan MaxHourlySpan = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxDailySpan = TimeSpan.FromDays(366);

    /// <summary>
    /// <c>from</c> is required; <c>to</c> defaults to the end of the current hour. Both must be whole
    /// UTC hours, <c>to</c> after <c>from</c>, and the range at most 31 days hourly or 366 days daily.
    /// </summary>
    internal static Outcome<CheckedCostQuery> Check(CostQuery query, DateTimeOffset now)
    {
        var rules = new Rules();
        var granularity = query.Granularity ?? Granularities.Daily;
        var groupBy = query.GroupBy ?? CostGroupings.Project;
        rules.OneOf("granularity", granularity, Granularities.All);
        rules.OneOf("group_by", groupBy, CostGroupings.All);
        rules.Range("offset", query.Offset, 0, int.MaxValue);
        rules.Range("limit", query.Limit, 1, MaxLimit);

        var to = query.To ?? CeilingHour(now);
        if (rules.Required("from", query.From))
        {
            WholeHour(rules, "from", query.From!.Value);
        }

        WholeHour(rules, "to", to);
        if (query.From is { } from && rules.IsValid)
        {
            var span = to - from;
            var max = granularity == Granularities.Hourly ? MaxHourlySpan : MaxDailySpan;
            if (span <= TimeSpan.Zero)
            {
                rules.Fail(ErrorCodes.IncompatibleChoice, "to", $"to must be after from (got from {Iso(from)}, to {Iso(to)}).");
            }
            else if (span > max)
            {
                rules.Fail(ErrorCodes.FieldOutOfRange, "to",
                    $"A {granularity} report may span at most {max.TotalDays:0} days (got {span.TotalDays:0.##} days).");
            }
        }

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        return new CheckedCostQuery(query.From!.Value, to, granularity, groupBy, query.Offset, query.Limit);
    }

    private static void WholeHour(Rules rules, string field, DateTimeOffset value)
    {
        if (value.ToUnixTimeMilliseconds() % Meter.HourMs != 0)
        {
            rules.Fail(ErrorCodes.FieldFormat, field, $"{field} must be a whole UTC hour, like 2026-12-01T08:00:00Z (got {Iso(value)}).");
        }
    }

    private static DateTimeOffset CeilingHour(DateTimeOffset now)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var floor = Meter.FloorHour(ms);
        return DateTimeOffset.FromUnixTimeMilliseconds(floor == ms ? ms : floor + Meter.HourMs);
    }

    private static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}
