using System.Diagnostics.Metrics;
using Deskpool.Core.Desktops;
using Deskpool.Core.Mail;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Deskpool.Core.Telemetry;

/// <summary>
/// Gauges read from the database when they are collected: pools and desktops by state, and the
/// mail queue. One scrape reads all three with three grouped counts, and a second collection
/// within a second reuses them, so a scraper polling fast costs the database little.
/// </summary>
public sealed class FleetGauges
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    private readonly IServiceScopeFactory _scopes;
    private readonly Lock _lock = new();
    private Snapshot? _snapshot;
    private long _takenAt;

    public FleetGauges(DeskpoolTelemetry telemetry, IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        telemetry.Meter.CreateObservableGauge("deskpool.pools", () => Read().Pools, "{pool}",
            "Pools that are not deleted, by status.");
        telemetry.Meter.CreateObservableGauge("deskpool.desktops", () => Read().Desktops, "{desktop}",
            "Desktops that are not deleted, by state.");
        telemetry.Meter.CreateObservableGauge("deskpool.mail.queue.depth", () => Read().Mail, "{mail}",
            "Mails waiting to be sent or being sent, by status.");
    }

    private Snapshot Read()
    {
        lock (_lock)
        {
            if (_snapshot is null || Environment.TickCount64 - _takenAt > Freshness.TotalMilliseconds)
            {
                _snapshot = Take();
                _takenAt = Environment.TickCount64;
            }

            return _snapshot;
        }
    }

    private Snapshot Take()
    {
        // Observable instruments are read synchronously by the collector.
        using var scope = _scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var pools = db.Pools.AsNoTracking().GroupBy(p => p.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToList()
            .Select(g => Measure(g.Count, "status", g.Key.ToString())).ToList();
        var desktops = db.Desktops.AsNoTracking().Where(d => d.State != DesktopState.Deleted).GroupBy(d => d.State)
            .Select(g => new { g.Key, Count = g.Count() }).ToList()
            .Select(g => Measure(g.Count, "state", g.Key.ToString())).ToList();
        var mail = db.MailMessages.AsNoTracking()
            .Where(m => m.Status == MailStatus.Queued || m.Status == MailStatus.Sending)
            .GroupBy(m => m.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToList()
            .ToDictionary(g => g.Key, g => g.Count);
        List<Measurement<int>> queue =
        [
            Measure(mail.GetValueOrDefault(MailStatus.Queued), "status", nameof(MailStatus.Queued)),
            Measure(mail.GetValueOrDefault(MailStatus.Sending), "status", nameof(MailStatus.Sending)),
        ];
        return new Snapshot(pools, desktops, queue);
    }

    private static Measurement<int> Measure(int value, string tag, string tagValue) =>
        new(value, new KeyValuePair<string, object?>(tag, tagValue.ToLowerInvariant()));

    private sealed record Snapshot(
        List<Measurement<int>> Pools, List<Measurement<int>> Desktops, List<Measurement<int>> Mail);
}
