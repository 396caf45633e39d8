using System.Text.Json.Nodes;
using Deskpool.Cli.Api;
using Spectre.Console;

namespace Deskpool.Cli.Commands;

/// <summary>
/// Follows a job to its end: a live progress bar on a terminal, one plain line per change otherwise; then
/// the result and the cause of each failed desktop. A job that ends FAIL makes the command exit 1.
/// </summary>
internal static class JobWatcher
{
    /// <summary>Reports a started job, and follows it when <paramref name="wait"/> is set.</summary>
    public static async Task<int> StartedAsync(Session s, JsonNode? reply, bool wait, CancellationToken ct)
    {
        var jobId = ApiClient.As<JobIdReply>(reply).JobId;
        if (!wait)
        {
            s.Printer.Result(reply, $"Job {jobId} started; follow it with: deskpool jobs watch {jobId}");
            return ExitCodes.Success;
        }

        s.Printer.Note($"Job {jobId} started.");
        return await WatchAsync(s, jobId, ct);
    }

    public static async Task<int> WatchAsync(Session s, string jobId, CancellationToken ct)
    {
        var (job, raw) = s.Host.OutputIsTerminal && s.Printer.IsTable
            ? await WithProgressBarAsync(s, jobId, ct)
            : await WithLinesAsync(s, jobId, ct);

        if (s.Printer.IsTable)
        {
            Summary(s.Host.Out, job);
        }
        else
        {
            Summary(s.Host.Err, job);
            s.Printer.Result(raw, "");
        }

        return job.Status == "FAIL" ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static async Task<(Job, JsonNode?)> WithProgressBarAsync(Session s, string jobId, CancellationToken ct)
    {
        (Job Job, JsonNode? Raw) last = default;
        await s.Printer.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask($"Job {jobId}", maxValue: 100);
                while (true)
                {
                    last = await LookAsync(s, jobId, ct);
                    bar.Value = last.Job.Process;
                    var done = last.Job.SuccessNum + last.Job.FailNum;
                    bar.Description = Markup.Escape(
                        $"{last.Job.JobType} {last.Job.Status} {done}/{last.Job.SubJobsTotal}");
                    if (last.Job.IsOver)
                    {
                        bar.StopTask();
                        return;
                    }

                    await Task.Delay(s.PollInterval, ct);
                }
            });
        return last;
    }

    private static async Task<(Job, JsonNode?)> WithLinesAsync(Session s, string jobId, CancellationToken ct)
    {
        var progress = s.Printer.IsTable ? s.Host.Out : s.Host.Err;
        string? said = null;
        while (true)
        {
            var (job, raw) = await LookAsync(s, jobId, ct);
            var line = $"job {job.Id}: {job.Status} {job.Process}% ({job.SuccessNum} succeeded, {job.FailNum} failed, " +
                $"{job.PendingNum} pending)";
            if (line != said)
            {
                progress.WriteLine(line);
                said = line;
            }

            if (job.IsOver)
            {
                return (job, raw);
            }

            await Task.Delay(s.PollInterval, ct);
        }
    }

    private static async Task<(Job Job, JsonNode? Raw)> LookAsync(Session s, string jobId, CancellationToken ct)
    {
        var raw = await s.Api.GetAsync($"workspace-jobs/{Lookup.Q(jobId)}", ct);
        return (ApiClient.As<Job>(raw), raw);
    }

    private static void Summary(TextWriter writer, Job job)
    {
        var result = job.Result ?? job.Status;
        writer.WriteLine($"Job {job.Id} ended {job.Status} ({result}): {job.SuccessNum} succeeded, {job.FailNum} failed" +
            $" of {job.SubJobsTotal}.");
        if (job.FailReason is { Length: > 0 } reason)
        {
            writer.WriteLine($"  reason: {reason}");
        }

        foreach (var failed in (job.SubJobs ?? []).Where(j => j.Status == "FAILED"))
        {
            writer.WriteLine($"  {failed.DesktopName ?? failed.Id}: {failed.ErrorCode} {failed.FailReason}");
        }
    }
}
