using Deskpool.Core.Jobs;
using Deskpool.Core.Mail;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Sends queued mails.</summary>
internal sealed class MailWorker(
    MailSender sender,
    [FromKeyedServices(MailSender.SignalKey)] WorkSignal signal,
    IOptions<MailOptions> options,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<MailWorker> logger) : RoundWorker(signal, heartbeats, deskpool, logger)
{
    protected override string Work => "mail";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task RecoverAsync(CancellationToken cancellationToken) => sender.RecoverOwnLeasesAsync(cancellationToken);

    protected override Task<int> RunRoundAsync(CancellationToken cancellationToken) => sender.RunOnceAsync(cancellationToken);
}
