using Deskpool.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>
/// The loop every background worker runs: resume what this node held before a restart, then run
/// rounds while they find work, and otherwise wait for a signal or the poll interval. A failed round
/// (say, the database briefly unavailable) is logged and never ends the worker.
/// </summary>
internal abstract partial class RoundWorker(
    WorkSignal signal, WorkerHeartbeats heartbeats, IOptions<DeskpoolOptions> deskpool, ILogger logger)
    : BackgroundService
{
    /// <summary>What the worker does, for its log lines and its readiness heartbeat.</summary>
    protected abstract string Work { get; }

    protected abstract TimeSpan PollInterval { get; }

    protected abstract Task RecoverAsync(CancellationToken cancellationToken);

    /// <summary>Runs one round; returns how many items it worked on.</summary>
    protected abstract Task<int> RunRoundAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deskpool.Value.RunWorkers)
        {
            return;
        }

        heartbeats.Started(Work, PollInterval);
        await RecoverAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await RunRoundAsync(stoppingToken);
                heartbeats.Succeeded(Work);
                if (worked == 0)
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex, Work);
                await Task.Delay(PollInterval, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "A {Work} round failed; retrying after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string work);
}
