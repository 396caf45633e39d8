using Deskpool.Core.Desktops;
using Deskpool.Core.Metering;
using Deskpool.Core.Pools;

namespace Deskpool.Tests.Core;

/// <summary>The metering rule as a pure function: states, disks, per-second accounting, rounding, price steps.</summary>
public sealed class MeterTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    // 0.36 per running hour is 0.0001 per second; the disks cost 0.18 per hour, 0.00005 per second.
    private static readonly PoolRates Rates = Flat(0.36m, 0.18m, 180);

    [Fact]
    public void Compute_CountsRunningRebootingStoppingHibernating_NotStartingOrStopped_DisksFromFirstRunToDeleted()
    {
        var changes = new[]
        {
            At(10, DesktopState.Running),
            At(30, DesktopState.Rebooting),
            At(31, DesktopState.Running),
            At(40, DesktopState.Stopping),
            At(42, DesktopState.Stopped),
            At(50, DesktopState.Starting),
            At(53, DesktopState.Running),
            At(70, DesktopState.Hibernating),
            At(71, DesktopState.Hibernated),
            At(90, DesktopState.Starting),
            At(92, DesktopState.Running),
            At(100, DesktopState.Deleting),
            At(103, DesktopState.Deleted),
        };

        var lines = Run(Creating(), changes, T0, T0 + Minutes(180));

        // Running 10–42 (incl. rebooting and stopping), 53–71 (incl. hibernating), 92–100: 32 + 18 + 8 minutes.
        Assert.Equal(Minutes(32 + 18 + 8) / 1000, lines.Sum(l => l.RunningSeconds));
        // Disks from the first run (10) to deleted (103), deleting included, 180 GB.
        Assert.Equal(Minutes(93) / 1000 * 180, lines.Sum(l => l.DiskGbSeconds));
        Assert.Equal(2, lines.Count);
        Assert.Equal((T0, 39 * 60L), (lines[0].HourStart, lines[0].RunningSeconds));
        Assert.Equal(234_000, lines[0].ComputeMicros);
        Assert.Equal(150_000, lines[0].DiskMicros);
        Assert.Equal(19 * 60L, lines[1].RunningSeconds);
        Assert.Equal(114_000, lines[1].ComputeMicros);
        Assert.Equal(129_000, lines[1].DiskMicros);
    }

    [Fact]
    public void DesktopThatFailedBeforeRunning_HadNoDisksAndCostsNothing()
    {
        var changes = new[]
        {
            At(0, DesktopState.Creating), At(5, DesktopState.Error), At(20, DesktopState.Deleting), At(21, DesktopState.Deleted),
        };

        Assert.Empty(Run(NotYetCreated(), changes, T0, T0 + Minutes(60)));
    }

    [Fact]
    public void ErrorAfterRunning_StopsComputeButKeepsTheDisks()
    {
        var changes = new[] { At(15, DesktopState.Stopping), At(16, DesktopState.Error) };

        var line = Assert.Single(Run(Running(), changes, T0, T0 + Minutes(60)));

        Assert.Equal(Minutes(16) / 1000, line.RunningSeconds);
        Assert.Equal(3600 * 180L, line.DiskGbSeconds);
    }

    [Fact]
    public void StateBeforeTheRange_CarriesIntoIt()
    {
        var stoppedBefore = new MeteredDesktop("d", "p", DesktopState.Stopped, RanBeforeStart: true);

        var line = Assert.Single(Run(stoppedBefore, [], T0, T0 + Minutes(60)));

        Assert.Equal(0, line.RunningSeconds);
        Assert.Equal(180_000, line.DiskMicros);
    }

    [Fact]
    public void Seconds_CountFromTheStartOfTheSecondAnInstantFallsIn()
    {
        var changes = new[]
        {
            new MeteredChange(T0 + 900, DesktopState.Running),
            new MeteredChange(T0 + 2_100, DesktopState.Stopping),
            new MeteredChange(T0 + 2_200, DesktopState.Stopped),
        };

        var line = Assert.Single(Run(Creating(), changes, T0, T0 + Minutes(60)));

        Assert.Equal(2, line.RunningSeconds);
    }

    [Theory]
    [InlineData(180_000, 1)] // exactly half a millionth: rounds up
    [InlineData(179_999, 0)]
    [InlineData(540_000, 2)] // one and a half millionths
    public void EachLine_IsRoundedOnceToMillionths_HalfUp(long unitsPerHour, long expectedMicros)
    {
        var rates = new PoolRates([long.MinValue], [unitsPerHour], [0], 0);
        var changes = new[] { At(0, DesktopState.Running), new MeteredChange(T0 + 1_000, DesktopState.Stopped) };

        var line = Assert.Single(Run(Creating(), changes, T0, T0 + Minutes(60), rates));

        Assert.Equal(expectedMicros, line.ComputeMicros);
    }

    [Fact]
    public void PriceChange_SplitsTheHourAtTheInstantItTookEffect()
    {
        var book = PriceBook.From(
        [
            List(1, T0 - Minutes(600), ("pkg", 0.36m), ("SAS", 0.001m)),
            List(2, T0 + Minutes(30), ("pkg", 0.72m)),
        ]);
        var rates = book.RatesFor(Pool("pkg", 100));

        var line = Assert.Single(Run(Running(), [], T0, T0 + Minutes(60), rates));

        Assert.Equal(180_000 + 360_000, line.ComputeMicros); // half an hour at each price
        Assert.Equal(100_000, line.DiskMicros); // the disk price was not in revision 2: it stays
    }

    [Fact]
    public void AnItemNeverPriced_IsMeteredAtZero()
    {
        var rates = PriceBook.From([List(1, T0, ("other", 1m))]).RatesFor(Pool("pkg", 100));

        var line = Assert.Single(Run(Running(), [], T0, T0 + Minutes(60), rates));

        Assert.Equal((3600L, 0L, 0L), (line.RunningSeconds, line.ComputeMicros, line.DiskMicros));
    }

    [Fact]
    public void Lines_AreHourly_AndSplittingTheRangeChangesNoLine()
    {
        var changes = new[] { At(17, DesktopState.Running), At(143, DesktopState.Stopping), At(144, DesktopState.Stopped) };

        var whole = Run(Creating(), changes, T0, T0 + Minutes(240));
        var firstPart = Run(Creating(), changes.Where(c => c.At < T0 + Minutes(120)).ToArray(), T0, T0 + Minutes(120));
        var secondPart = Run(Running(), changes.Where(c => c.At >= T0 + Minutes(120)).ToArray(),
            T0 + Minutes(120), T0 + Minutes(240));

        Assert.Equal(whole, firstPart.Concat(secondPart).ToList());
        Assert.Equal([T0, T0 + Minutes(60), T0 + Minutes(120), T0 + Minutes(180)], whole.Select(l => l.HourStart));
    }

    [Fact]
    public void MoveTo_NeverDatesAMoveBeforeThePreviousOne()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(T0);
        var desktop = Desktop.Plan("d", "p", "pool", "pc-1", "z", "s", "10.0.0.3", "fa:16:3e:00:00:01", now);
        desktop.MoveTo(DesktopState.Running, now.AddMinutes(10));

        desktop.MoveTo(DesktopState.Stopping, now.AddMinutes(4)); // the clock jumped back six minutes

        Assert.Equal(now.AddMinutes(10), desktop.History[^1].At);
        Assert.Equal(now.AddMinutes(10), desktop.StateChangedAt);
    }

    private static List<UsageLine> Run(
        MeteredDesktop desktop, IReadOnlyList<MeteredChange> changes, long from, long end, PoolRates? rates = null)
    {
        var lines = new List<UsageLine>();
        new Meter(from, end, lines.Add).Run(desktop, rates ?? Rates, changes);
        return lines;
    }

    private static PoolRates Flat(decimal computePerHour, decimal disksPerHour, long gb) =>
        new([long.MinValue], [PriceBook.ToUnits(computePerHour)], [PriceBook.ToUnits(disksPerHour)], gb);

    private static MeteredChange At(int minutes, DesktopState to) => new(T0 + Minutes(minutes), to);

    private static long Minutes(int minutes) => minutes * 60_000L;

    private static MeteredDesktop NotYetCreated() => new("d", "p", null, false);

    private static MeteredDesktop Creating() => new("d", "p", DesktopState.Creating, false);

    private static MeteredDesktop Running() => new("d", "p", DesktopState.Running, true);

    private static PriceList List(int revision, long from, params (string Item, decimal Price)[] prices) => new()
    {
        Revision = revision,
        Currency = "USD",
        EffectiveFrom = DateTimeOffset.FromUnixTimeMilliseconds(from),
        RecordedBy = "test",
        Prices = prices.Select(p => new Price
        {
            Revision = revision,
            Kind = p.Item == "SAS" ? PriceKind.Disk : PriceKind.Package,
            Item = p.Item,
            UnitPrice = p.Price,
        }).ToList(),
    };

    private static Pool Pool(string productId, int rootGb) => new()
    {
        Id = "p",
        ProjectId = "project",
        Name = "pool",
        ProductId = productId,
        ImageId = "image",
        ImageType = "gold",
        RootVolume = new Volume("v", "SAS", rootGb),
        VpcId = "vpc",
    };
}
