using Deskpool.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Runs job rounds while there is work, and waits for a signal or the poll interval when there is none.</summary>
internal sealed partial class JobWorker(
    JobRunner runner,
    WorkSignal signal,
    IOptions<JobRunnerOptions> options,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<JobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deskpool.Value.RunWorkers)
        {
            return;
        }

        await runner.RecoverOwnLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await runner.RunOnceAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A failed round (say, the database briefly unavailable) must not end the worker.
                LogRoundFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "A job round failed; retrying after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
