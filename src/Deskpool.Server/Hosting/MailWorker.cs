using Deskpool.Core.Jobs;
using Deskpool.Core.Mail;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Sends mail rounds while mails are due, and waits for a signal or the poll interval when none are.</summary>
internal sealed partial class MailWorker(
    MailSender sender,
    [FromKeyedServices(MailSender.SignalKey)] WorkSignal signal,
    IOptions<MailOptions> options,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<MailWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!deskpool.Value.RunWorkers)
        {
            return;
        }

        await sender.RecoverOwnLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await sender.RunOnceAsync(stoppingToken) == 0)
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

    [LoggerMessage(EventId = 5100, Level = LogLevel.Error,
        Message = "A mail round failed; retrying after the poll interval")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
