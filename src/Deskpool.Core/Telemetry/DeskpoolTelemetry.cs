using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Deskpool.Core.Telemetry;

/// <summary>
/// The one meter and the one activity source Deskpool reports through, both named "Deskpool".
/// The core depends only on System.Diagnostics; the host decides what listens (OpenTelemetry,
/// a Prometheus scrape, nothing at all).
/// </summary>
public sealed class DeskpoolTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Deskpool";

    /// <summary>Traces span API request, job step and driver call.</summary>
    public static readonly ActivitySource Activities = new(Name);

    private readonly Histogram<double> _bindDuration;
    private readonly Histogram<double> _stepDuration;
    private readonly Counter<long> _stepFailures;
    private readonly Counter<long> _scalerDecisions;
    private readonly Histogram<double> _timerLag;
    private readonly Histogram<double> _dbDuration;

    public DeskpoolTelemetry(IMeterFactory meters)
    {
        // A meter from the host's factory lives and dies with the host, so two hosts in one
        // process (tests) do not add to each other's instruments once one has stopped.
        Meter = meters.Create(Name);
        _bindDuration = Meter.CreateHistogram<double>("deskpool.broker.connect.duration", "s",
            "How long the broker took to answer a connect, by outcome (ready, preparing, refused).");
        _stepDuration = Meter.CreateHistogram<double>("deskpool.job.step.duration", "s",
            "How long one sub-job step took through its compute driver, by operation and outcome.");
        _stepFailures = Meter.CreateCounter<long>("deskpool.job.step.failures", "{step}",
            "Sub-job steps that failed for good, by operation and error code.");
        _scalerDecisions = Meter.CreateCounter<long>("deskpool.scaler.decisions", "{decision}",
            "Autoscaler decisions, by trigger and result (created or none).");
        _timerLag = Meter.CreateHistogram<double>("deskpool.broker.timer.lag", "s",
            "How late a retention timer fired: the instant it fired minus its release instant.");
        _dbDuration = Meter.CreateHistogram<double>("deskpool.db.command.duration", "s",
            "Time spent in database commands, by kind (reader, non-query, scalar) and outcome.");
    }

    public Meter Meter { get; }

    public void Connected(TimeSpan elapsed, string outcome) =>
        _bindDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void StepEnded(string operation, string outcome, TimeSpan elapsed) =>
        _stepDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void StepFailed(string operation, string errorCode) =>
        _stepFailures.Add(1,
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("error_code", errorCode));

    public void ScalerDecided(string trigger, bool created) =>
        _scalerDecisions.Add(1,
            new KeyValuePair<string, object?>("trigger", trigger),
            new KeyValuePair<string, object?>("result", created ? "created" : "none"));

    public void TimerFired(TimeSpan lag) => _timerLag.Record(Math.Max(0, lag.TotalSeconds));

    public void DatabaseCommand(string kind, TimeSpan elapsed, bool failed) =>
        _dbDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("kind", kind),
            new KeyValuePair<string, object?>("outcome", failed ? "error" : "ok"));
}
