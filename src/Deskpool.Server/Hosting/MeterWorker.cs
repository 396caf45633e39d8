using Deskpool.Core.Metering;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>
/// Rolls up usage hour by hour, and records the price list again when the configuration is
/// reloaded with a new revision. Every node may run it: the database lets one node do each piece.
/// </summary>
internal sealed partial class MeterWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<MeteringOptions> options,
    IOptionsMonitor<PricingOptions> pricing,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<MeterWorker> logger) : BackgroundService
{
    private const string Work = "metering";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deskpool.Value.RunWorkers)
        {
            return;
        }

        // Start-up recorded the configured prices; from here on only a reloaded configuration counts.
        var seen = pricing.CurrentValue;
        heartbeats.Started(Work, options.Value.RollupInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ReferenceEquals(seen, pricing.CurrentValue))
                {
                    seen = pricing.CurrentValue;
                    await RecordPricesAsync(stoppingToken);
                }

                while (await RollUpAsync(stoppingToken) > 0)
                {
                    // Catching up after a pause: keep going while closed hours remain.
                }

                heartbeats.Succeeded(Work);
                await Task.Delay(options.Value.RollupInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A failed round (say, the database briefly unavailable) must not end the worker.
                LogRoundFailed(logger, ex);
                await Task.Delay(options.Value.RollupInterval, time, stoppingToken);
            }
        }
    }

    private async Task<int> RollUpAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeterRollup>().RunOnceAsync(cancellationToken);
    }

    private async Task RecordPricesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var problem = await scope.ServiceProvider.GetRequiredService<PriceListRecorder>()
            .RecordConfiguredAsync(cancellationToken);
        if (problem is not null)
        {
            LogPricesRefused(logger, problem);
        }
    }

    [LoggerMessage(EventId = 7200, Level = LogLevel.Error, Message = "A metering round failed; retrying after the interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Error,
        Message = "The reloaded price configuration was not recorded; the recorded prices stay in force. {Problem}")]
    private static partial void LogPricesRefused(ILogger logger, string problem);
}
