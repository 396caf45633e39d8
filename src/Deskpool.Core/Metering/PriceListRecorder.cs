using System.Text.RegularExpressions;
using Deskpool.Core.Jobs;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Metering;

/// <summary>
/// Records the configured price list in the database when this node sees a revision newer than
/// any recorded. The new prices take effect at the moment they are recorded (or later, never
/// earlier than usage already rolled up or an earlier revision), so no price ever applies to time
/// already past. A revision number is recorded once: two nodes racing to record it write one row.
/// </summary>
public sealed partial class PriceListRecorder(
    DeskpoolDbContext db,
    Catalog.Catalog catalog,
    TimeProvider time,
    NodeIdentity node,
    IOptionsMonitor<PricingOptions> options,
    ILogger<PriceListRecorder> logger)
{
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxPriceDecimals = 8;

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    /// <summary>Records the configured list if it is new; returns a problem that must stop the server, or null.</summary>
    public async Task<string?> RecordConfiguredAsync(CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue;
        var problems = Problems(configured);
        if (problems.Count > 0)
        {
            return "The price list in configuration (Deskpool:Pricing) is not valid: " + string.Join(" ", problems);
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var latest = await db.PriceLists.AsNoTracking().Include(l => l.Prices)
                .OrderByDescending(l => l.Revision).FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && Compare(configured, latest) is { } problem)
            {
                return problem;
            }

            if (latest is not null && latest.Revision >= configured.Revision)
            {
                return null;
            }

            if (await TryRecordAsync(configured, latest, cancellationToken))
            {
                return null;
            }
        }

        return "The price list could not be recorded: other nodes kept recording revisions at the same time.";
    }

    /// <summary>What is wrong with a configured price list, each problem naming its setting.</summary>
    public List<string> Problems(PricingOptions configured)
    {
        var problems = new List<string>();
        if (configured.Revision < 1)
        {
            problems.Add($"Revision must be 1 or more (got {configured.Revision}).");
        }

        if (!CurrencyPattern().IsMatch(configured.Currency ?? ""))
        {
            problems.Add($"Currency must be a three-letter ISO 4217 code such as CNY or EUR (got '{configured.Currency}').");
        }

        CheckItems(problems, "Packages", configured.Packages,
            catalog.Options.Products.Select(p => p.ProductId).ToList(), "package");
        CheckItems(problems, "Disks", configured.Disks,
            catalog.Options.DiskTypes.Select(d => d.Type).ToList(), "disk type");
        return problems;
    }

    private static void CheckItems(
        List<string> problems, string section, Dictionary<string, decimal> prices, List<string> catalogued, string what)
    {
        foreach (var missing in catalogued.Where(c => !prices.ContainsKey(c)))
        {
            problems.Add($"{section}:{missing} is missing: every {what} of the catalogue needs a price.");
        }

        foreach (var (item, price) in prices)
        {
            if (!catalogued.Contains(item, StringComparer.Ordinal))
            {
                problems.Add($"{section}:{item} names no {what} of the catalogue.");
            }
            else if (price < 0 || price > MaxPrice)
            {
                problems.Add($"{section}:{item} must be between 0 and {MaxPrice} (got {price}).");
            }
            else if (price != decimal.Round(price, MaxPriceDecimals))
            {
                problems.Add($"{section}:{item} may have at most {MaxPriceDecimals} decimal places (got {price}).");
            }
        }
    }

    private string? Compare(PricingOptions configured, PriceList latest)
    {
        if (!string.Equals(configured.Currency, latest.Currency, StringComparison.Ordinal))
        {
            return $"Deskpool:Pricing:Currency is {configured.Currency}, but prices are already recorded in " +
                $"{latest.Currency}; the currency cannot change once prices are recorded.";
        }

        if (configured.Revision == latest.Revision && !SamePrices(configured, latest))
        {
            return $"Deskpool:Pricing differs from price list revision {latest.Revision}, recorded at " +
                $"{latest.RecordedAt:u}. To change prices, raise Deskpool:Pricing:Revision to {latest.Revision + 1}.";
        }

        if (configured.Revision < latest.Revision)
        {
            Log.OlderRevision(logger, configured.Revision, latest.Revision);
        }

        return null;
    }

    private static bool SamePrices(PricingOptions configured, PriceList recorded)
    {
        var wanted = Items(configured).ToDictionary(p => (p.Kind, p.Item), p => p.UnitPrice);
        return wanted.Count == recorded.Prices.Count
            && recorded.Prices.All(p => wanted.TryGetValue((p.Kind, p.Item), out var price) && price == p.UnitPrice);
    }

    private async Task<bool> TryRecordAsync(PricingOptions configured, PriceList? latest, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reach = await db.MeterProgress.AsNoTracking().Where(p => p.Id == MeterProgress.SingletonId)
            .Select(p => p.MeteredUntil).FirstOrDefaultAsync(cancellationToken);
        var effective = new[] { now, reach ?? now, latest?.EffectiveFrom ?? now }.Max();
        var list = new PriceList
        {
            Revision = configured.Revision,
            Currency = configured.Currency,
            EffectiveFrom = effective,
            RecordedAt = now,
            RecordedBy = node.Id,
            Prices = Items(configured).Select(p => new Price
            {
                Revision = configured.Revision, Kind = p.Kind, Item = p.Item, UnitPrice = p.UnitPrice,
            }).ToList(),
        };
        db.PriceLists.Add(list);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            Log.Recorded(logger, list.Revision, list.EffectiveFrom);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node recorded a revision at the same moment; look again.
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static IEnumerable<(PriceKind Kind, string Item, decimal UnitPrice)> Items(PricingOptions configured) =>
        configured.Packages.Select(p => (PriceKind.Package, p.Key, p.Value))
            .Concat(configured.Disks.Select(d => (PriceKind.Disk, d.Key, d.Value)));

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information,
            Message = "Recorded price list revision {Revision}; it takes effect at {EffectiveFrom}")]
        public static partial void Recorded(ILogger logger, int revision, DateTimeOffset effectiveFrom);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Warning,
            Message = "This node's price configuration is revision {Configured}, older than the recorded revision " +
                "{Recorded}; metering uses the recorded prices")]
        public static partial void OlderRevision(ILogger logger, int configured, int recorded);
    }
}
