using Deskpool.Core.Desktops;

namespace Deskpool.Core.Metering;

/// <summary>
/// What a state is billed for. Compute is billed while the machine is up and serving its user:
/// running, rebooting, and while it is going down (stopping, hibernating), since it is still on
/// until the hypervisor reports it down. It is not billed while the desktop is being created,
/// starting (booting), stopped, hibernated, being deleted, deleted or in error. Disks are billed
/// from the desktop's first move to Running (a desktop that failed before it ever ran had no disks)
/// until its move to Deleted, whatever the power state in between.
/// </summary>
public static class BillableStates
{
    public static bool BillsCompute(DesktopState state) => state is DesktopState.Running or DesktopState.Rebooting
        or DesktopState.Stopping or DesktopState.Hibernating or DesktopState.Resetting;

    public static bool HasDisks(DesktopState state, bool hasRun) => hasRun && state != DesktopState.Deleted;
}

/// <summary>One state change as metering reads it: when (Unix ms) and into which state.</summary>
internal readonly record struct MeteredChange(long At, DesktopState To);

/// <summary>A desktop as metering needs it: where it stood when the metered range begins.</summary>
internal sealed record MeteredDesktop(
    string Id,
    string PoolId,
    DesktopState? StateAtStart,
    bool RanBeforeStart);

/// <summary>
/// One bill line: one desktop over one UTC hour, with its running seconds, its disk GB-seconds, and
/// the compute and disk amounts, each rounded once (to whole millionths, half up).
/// </summary>
internal readonly record struct UsageLine(
    string DesktopId,
    string PoolId,
    long HourStart,
    long RunningSeconds,
    long DiskGbSeconds,
    long ComputeMicros,
    long DiskMicros);

/// <summary>
/// The metering rule as a pure function of a desktop's state history and the price rates: no
/// clock, no database, no memory of earlier calls, so a restart, a second node or a later report
/// computes the same lines from the same history. Meters [from, end).
/// </summary>
internal sealed class Meter(long from, long end, Action<UsageLine> emit)
{
    public const long HourMs = 3_600_000;

    /// <summary>Price units are 1e-8 of the currency and rates are per hour; amounts are in 1e-6.</summary>
    internal const long MicrosDivisor = PriceBook.UnitsPerCurrency / 1_000_000 * 3600;

    public static long FloorHour(long instant) => instant - (instant % HourMs);

    /// <summary>Meters one desktop; <paramref name="changes"/> are its changes inside the range, in order.</summary>
    public (DesktopState? State, bool HasRun) Run(
        MeteredDesktop desktop, PoolRates rates, IReadOnlyList<MeteredChange> changes)
    {
        var meter = Start(desktop, rates);
        foreach (var change in changes)
        {
            meter.Apply(change);
        }

        return meter.Finish();
    }

    /// <summary>A meter for one desktop, to feed its changes one at a time (interleaved with other desktops').</summary>
    public DesktopMeter Start(MeteredDesktop desktop, PoolRates rates) => new(desktop, rates, from, end, emit);
}

/// <summary>Meters one desktop from its state at the range's start, change by change.</summary>
internal sealed class DesktopMeter
{
    private readonly MeteredDesktop _desktop;
    private readonly PoolRates _rates;
    private readonly long _end;
    private readonly Action<UsageLine> _emit;
    private DesktopState? _state;
    private bool _hasRun;
    private long _at;
    private int _rate;
    private long _hour = long.MinValue;
    private long _runningSeconds;
    private long _diskSeconds;
    private Int128 _computeUnits;
    private Int128 _diskUnits;

    public DesktopMeter(MeteredDesktop desktop, PoolRates rates, long from, long end, Action<UsageLine> emit)
    {
        _desktop = desktop;
        _rates = rates;
        _end = end;
        _emit = emit;
        _state = desktop.StateAtStart;
        _hasRun = desktop.RanBeforeStart;
        _at = from;
    }

    /// <summary>Takes the next change; changes must come in the order they happened.</summary>
    public void Apply(MeteredChange change)
    {
        // Clamping keeps a stray out-of-order change from counting a second twice.
        var next = Math.Clamp(change.At, _at, _end);
        Accrue(_at, next);
        _at = next;
        _state = change.To;
        _hasRun |= change.To == DesktopState.Running;
    }

    /// <summary>Meters up to the end of the range, emits the last line, and says where the desktop stands then.</summary>
    public (DesktopState? State, bool HasRun) Finish()
    {
        Accrue(_at, _end);
        _at = _end;
        Flush();
        return (_state, _hasRun);
    }

    private void Accrue(long start, long stop)
    {
        if (_state is not { } state || start >= stop)
        {
            return;
        }

        var compute = BillableStates.BillsCompute(state);
        var disks = BillableStates.HasDisks(state, _hasRun);
        if (!compute && !disks)
        {
            return;
        }

        while (start < stop)
        {
            while (_rate + 1 < _rates.From.Length && _rates.From[_rate + 1] <= start)
            {
                _rate++;
            }

            var hour = Meter.FloorHour(start);
            var pieceEnd = Math.Min(stop, hour + Meter.HourMs);
            if (_rate + 1 < _rates.From.Length)
            {
                pieceEnd = Math.Min(pieceEnd, _rates.From[_rate + 1]);
            }

            // Per-second accounting: an instant counts from the start of its second, so pieces
            // split anywhere still add up to the whole.
            var seconds = (pieceEnd / 1000) - (start / 1000);
            if (hour != _hour)
            {
                Flush();
                _hour = hour;
            }

            if (compute)
            {
                _runningSeconds += seconds;
                _computeUnits += (Int128)seconds * _rates.Compute[_rate];
            }

            if (disks)
            {
                _diskSeconds += seconds;
                _diskUnits += (Int128)seconds * _rates.Disk[_rate];
            }

            start = pieceEnd;
        }
    }

    private void Flush()
    {
        if (_hour != long.MinValue && (_runningSeconds > 0 || _diskSeconds > 0))
        {
            _emit(new UsageLine(_desktop.Id, _desktop.PoolId, _hour, _runningSeconds, _diskSeconds * _rates.TotalDiskGb,
                RoundHalfUp(_computeUnits), RoundHalfUp(_diskUnits)));
        }

        _hour = long.MinValue;
        _runningSeconds = 0;
        _diskSeconds = 0;
        _computeUnits = 0;
        _diskUnits = 0;
    }

    private static long RoundHalfUp(Int128 units) =>
        (long)((units + (Meter.MicrosDivisor / 2)) / Meter.MicrosDivisor);
}
