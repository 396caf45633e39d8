using Deskpool.Core.Persistence;
using Deskpool.Core.Pools;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Metering;

/// <summary>
/// The recorded price lists as one timeline per item, read once per report or roll-up. Prices are
/// held as whole hundred-millionths of the currency (<see cref="UnitsPerCurrency"/>), so metering
/// adds and multiplies integers only and no amount is ever approximated.
/// </summary>
internal sealed class PriceBook
{
    public const long UnitsPerCurrency = 100_000_000;

    private readonly Dictionary<(PriceKind Kind, string Item), List<(long From, long Units)>> _timelines;

    private PriceBook(string currency, Dictionary<(PriceKind, string), List<(long, long)>> timelines)
    {
        Currency = currency;
        _timelines = timelines;
    }

    /// <summary>The currency of every recorded revision (it cannot change), or empty before the first.</summary>
    public string Currency { get; }

    public static async Task<PriceBook> LoadAsync(DeskpoolDbContext db, CancellationToken cancellationToken)
    {
        var lists = await db.PriceLists.AsNoTracking().Include(l => l.Prices).OrderBy(l => l.Revision)
            .ToListAsync(cancellationToken);
        return From(lists);
    }

    public static PriceBook From(IEnumerable<PriceList> lists)
    {
        var timelines = new Dictionary<(PriceKind, string), List<(long, long)>>();
        var currency = "";
        foreach (var list in lists.OrderBy(l => l.Revision))
        {
            currency = list.Currency;
            var from = list.EffectiveFrom.ToUnixTimeMilliseconds();
            foreach (var price in list.Prices)
            {
                var key = (price.Kind, price.Item);
                if (!timelines.TryGetValue(key, out var timeline))
                {
                    timelines[key] = timeline = [];
                }

                timeline.Add((from, ToUnits(price.UnitPrice)));
            }
        }

        return new PriceBook(currency, timelines);
    }

    public static long ToUnits(decimal price) => decimal.ToInt64(decimal.Round(price * UnitsPerCurrency));

    /// <summary>
    /// The rates a desktop of the pool is metered at, as steps over time: an item a revision does
    /// not list keeps its earlier price, and an item never priced is metered at zero.
    /// </summary>
    public PoolRates RatesFor(Pool pool)
    {
        var volumes = new List<Volume> { pool.RootVolume };
        volumes.AddRange(pool.DataVolumes);
        var product = Timeline(PriceKind.Package, pool.ProductId);
        var disks = volumes.Select(v => (v.Size, Timeline: Timeline(PriceKind.Disk, v.Type))).ToList();

        var steps = product.Select(p => p.From)
            .Concat(disks.SelectMany(d => d.Timeline.Select(p => p.From)))
            .Distinct().Order().ToList();
        var from = new List<long> { long.MinValue };
        from.AddRange(steps);
        var compute = from.Select(t => PriceAt(product, t)).ToArray();
        var disk = from.Select(t => disks.Sum(d => d.Size * PriceAt(d.Timeline, t))).ToArray();
        return new PoolRates([.. from], compute, disk, volumes.Sum(v => (long)v.Size));
    }

    private List<(long From, long Units)> Timeline(PriceKind kind, string item) =>
        _timelines.TryGetValue((kind, item), out var timeline) ? timeline : [];

    private static long PriceAt(List<(long From, long Units)> timeline, long instant)
    {
        var units = 0L;
        foreach (var (from, price) in timeline)
        {
            if (from > instant)
            {
                break;
            }

            units = price;
        }

        return units;
    }
}

/// <summary>
/// A pool's metering rates as steps: from <c>From[i]</c> on, one running hour costs
/// <c>Compute[i]</c> and one hour of all the desktop's disks costs <c>Disk[i]</c> (in price units).
/// </summary>
internal sealed record PoolRates(long[] From, long[] Compute, long[] Disk, long TotalDiskGb);
