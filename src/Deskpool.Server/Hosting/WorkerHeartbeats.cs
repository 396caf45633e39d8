using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Deskpool.Server.Hosting;

/// <summary>Readiness settings (<c>Deskpool:Health</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Deskpool:Health";

    /// <summary>
    /// How long past its poll interval a worker may go without finishing a loop before readiness
    /// turns red naming it. A worker idle between polls is not stalled; one stuck in a round is.
    /// </summary>
    public TimeSpan StallLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a compute driver's probe may take before it counts as unreachable.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The last successful loop of each background worker on this node.</summary>
internal sealed class WorkerHeartbeats(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Beat> _beats = new(StringComparer.Ordinal);

    /// <summary>A worker starts: it counts as healthy for one poll interval plus the stall limit.</summary>
    public void Started(string worker, TimeSpan pollInterval) =>
        _beats[worker] = new Beat(time.GetUtcNow(), pollInterval);

    public void Succeeded(string worker) =>
        _beats.AddOrUpdate(worker, _ => new Beat(time.GetUtcNow(), TimeSpan.Zero),
            (_, beat) => beat with { At = time.GetUtcNow() });

    /// <summary>The workers whose last successful loop is older than their poll interval plus <paramref name="limit"/>.</summary>
    public IReadOnlyList<(string Worker, TimeSpan Since)> Stalled(TimeSpan limit)
    {
        var now = time.GetUtcNow();
        return _beats
            .Where(b => now - b.Value.At > b.Value.PollInterval + limit)
            .Select(b => (b.Key, now - b.Value.At))
            .OrderBy(b => b.Key, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyDictionary<string, DateTimeOffset> Last() => _beats.ToDictionary(b => b.Key, b => b.Value.At);

    private sealed record Beat(DateTimeOffset At, TimeSpan PollInterval);
}

/// <summary>Readiness: every background worker of this node finished a loop recently.</summary>
internal sealed class WorkersHealthCheck(WorkerHeartbeats heartbeats, IOptions<HealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = heartbeats.Stalled(options.Value.StallLimit);
        var data = heartbeats.Last().ToDictionary(b => b.Key, b => (object)b.Value.ToString("O"));
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy($"{data.Count} worker(s) running", data)
            : HealthCheckResult.Unhealthy(
                "stalled: " + string.Join(", ", stalled.Select(s => $"{s.Worker} (no successful loop for {s.Since:c})")),
                data: data));
    }
}
