using Deskpool.Core.Broker;
using Deskpool.Core.Events;
using Deskpool.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Fires the broker's durable timers (released bindings, silent sessions) and prunes ended sign-ins.</summary>
internal sealed class BrokerTimerWorker(
    IServiceScopeFactory scopes,
    [FromKeyedServices(BrokerTimerWorker.SignalKey)] WorkSignal signal,
    IOptions<BrokerOptions> options,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<BrokerTimerWorker> logger) : RoundWorker(signal, heartbeats, deskpool, logger)
{
    public const string SignalKey = "broker-timers";

    protected override string Work => "broker timer";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task RecoverAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var fired = await scope.ServiceProvider.GetRequiredService<RetentionTimers>().RunOnceAsync(cancellationToken);
        if (fired == 0)
        {
            await scope.ServiceProvider.GetRequiredService<SignInService>().PruneAsync(cancellationToken);
        }

        return fired;
    }
}

/// <summary>
/// Runs the autoscaler: at once for every pool a bind, an unbind or a finished creation touched,
/// and for all scaling pools at each periodic catch-up.
/// </summary>
internal sealed partial class ScalerWorker(
    IServiceScopeFactory scopes,
    BrokerSignal signal,
    TimeProvider time,
    IOptions<BrokerOptions> options,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<ScalerWorker> logger) : BackgroundService
{
    public const string Work = "autoscaler";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deskpool.Value.RunWorkers)
        {
            return;
        }

        heartbeats.Started(Work, options.Value.PollInterval);
        var nextCatchUp = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var (poolId, trigger) in signal.Drain())
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<Autoscaler>().EvaluateAsync(poolId, trigger, stoppingToken);
                }

                if (time.GetUtcNow() >= nextCatchUp)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<Autoscaler>().CatchUpAsync(stoppingToken);
                    nextCatchUp = time.GetUtcNow() + options.Value.PollInterval;
                }

                heartbeats.Succeeded(Work);
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Error, Message = "An autoscaler round failed; retrying after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}

/// <summary>Deletes operator events older than their retention period.</summary>
internal sealed class EventPruneWorker(
    IServiceScopeFactory scopes,
    [FromKeyedServices(EventPruneWorker.SignalKey)] WorkSignal signal,
    IOptions<PoolEventOptions> options,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<EventPruneWorker> logger) : RoundWorker(signal, heartbeats, deskpool, logger)
{
    public const string SignalKey = "event-pruner";

    protected override string Work => "event pruner";

    protected override TimeSpan PollInterval => options.Value.PruneInterval;

    protected override Task RecoverAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PoolEvents>().PruneAsync(cancellationToken);

        // Pruning is done in one statement; the next look is due after the interval.
        return 0;
    }
}
