using Deskpool.Core.Events;
using Deskpool.Core.Persistence;
using Deskpool.Core.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deskpool.Core.Broker;

/// <summary>
/// The broker's durable timers. A binding's release instant is stored as absolute UTC, so a timer
/// survives restarts, and one that passed while the server was down fires at the first round after
/// start-up. Ending a binding is conditional on its version, so a timer fires once however many
/// nodes look at it. Only bindings end this way: an idle desktop nobody used is never reset.
/// </summary>
public sealed partial class RetentionTimers(
    DeskpoolDbContext db,
    Bindings bindings,
    TimeProvider time,
    IOptions<BrokerOptions> options,
    DeskpoolTelemetry telemetry,
    ILogger<RetentionTimers> logger)
{
    private const int Batch = 100;

    /// <summary>Fires every timer that is due; returns how many bindings ended.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await MarkSilentSessionsAsync(now, cancellationToken);

        var due = await db.Bindings
            .Where(b => b.ReleaseAt != null && b.ReleaseAt <= now)
            .OrderBy(b => b.ReleaseAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var ended = 0;
        foreach (var binding in due)
        {
            var reason = binding.Used ? "retention period expired" : "the user never connected";
            var lag = now - binding.ReleaseAt!.Value;
            if (await bindings.EndAsync(
                    binding, reason, reset: binding.Used, cancellationToken, PoolEventKinds.RetentionExpired) is null)
            {
                ended++;
                telemetry.TimerFired(lag);
                Log.Released(logger, binding.UserName, binding.DesktopId, reason, lag);
            }

            db.ChangeTracker.Clear();
        }

        return ended;
    }

    /// <summary>
    /// A connected session whose agent stopped reporting counts as disconnected from the moment it
    /// fell silent, so a crashed client or desktop does not hold a dynamic desktop for ever.
    /// </summary>
    private async Task MarkSilentSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var silentSince = now - options.Value.AgentSilenceLimit;
        var silent = await db.Bindings
            .Where(b => b.State == SessionState.Connected && b.AgentSeenAt != null && b.AgentSeenAt < silentSince)
            .OrderBy(b => b.AgentSeenAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        foreach (var binding in silent)
        {
            var pool = await db.Pools.IgnoreQueryFilters().AsNoTracking().FirstAsync(p => p.Id == binding.PoolId, cancellationToken);
            Bindings.StartRetention(binding, pool, binding.AgentSeenAt!.Value + options.Value.AgentSilenceLimit);
            Bindings.AddDisconnected(db, binding, "the desktop's agent fell silent");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // The agent or the user spoke at the same time; their word stands.
            }

            db.ChangeTracker.Clear();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4201, Level = LogLevel.Information,
            Message = "Released desktop {DesktopId} of {UserName}: {Reason} (timer lag {Lag})")]
        public static partial void Released(ILogger logger, string userName, string desktopId, string reason, TimeSpan lag);
    }
}
