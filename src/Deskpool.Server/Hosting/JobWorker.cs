using Deskpool.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Drives provisioning and other desktop jobs.</summary>
internal sealed class JobWorker(
    JobRunner runner,
    WorkSignal signal,
    IOptions<JobRunnerOptions> options,
    WorkerHeartbeats heartbeats,
    IOptions<DeskpoolOptions> deskpool,
    ILogger<JobWorker> logger) : RoundWorker(signal, heartbeats, deskpool, logger)
{
    protected override string Work => "job";

    protected override TimeSpan PollInterval => options.Value.PollInterval;

    protected override Task RecoverAsync(CancellationToken cancellationToken) => runner.RecoverOwnLeasesAsync(cancellationToken);

    protected override Task<int> RunRoundAsync(CancellationToken cancellationToken) => runner.RunOnceAsync(cancellationToken);
}
