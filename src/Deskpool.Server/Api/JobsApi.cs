using Deskpool.Core.Jobs;

namespace Deskpool.Server.Api;

internal sealed record JobEntitiesWire(string DesktopId, string? DesktopName, string? IpAddress, string? DesktopPoolId);

internal sealed record SubJobWire(
    string Id,
    string JobId,
    string JobType,
    string Status,
    int Process,
    string? BeginTime,
    string? EndTime,
    string? ErrorCode,
    string? FailReason,
    string? Message,
    string DesktopName,
    string? IpAddress,
    JobEntitiesWire Entities,
    string ProjectId)
{
    public static SubJobWire From(SubJob s, IReadOnlyDictionary<string, (string PoolId, string? Ip)> desktops)
    {
        var facts = desktops.TryGetValue(s.DesktopId, out var f) ? f : (PoolId: null!, Ip: null);
        return new SubJobWire(
            s.Id, s.JobId, s.JobType, s.Status.ToString().ToUpperInvariant(), s.Progress,
            ApiJson.Time(s.BeginAt ?? s.CreatedAt), ApiJson.Time(s.EndAt), s.ErrorCode, s.FailReason, s.FailReason,
            s.DesktopName, facts.Ip, new JobEntitiesWire(s.DesktopId, s.DesktopName, facts.Ip, facts.PoolId), s.ProjectId);
    }
}

/// <summary>
/// A job as ShowJob returns it. <c>status</c> keeps to WAITING, RUNNING, SUCCESS and FAIL so that
/// existing clients recognise the end; <c>result</c> tells a partial failure from a complete one.
/// </summary>
internal sealed record JobWire(
    string Id,
    string JobType,
    string Status,
    string? Result,
    string? BeginTime,
    string? EndTime,
    string CreatedTime,
    string? JobErrorCode,
    string? FailReason,
    string? DesktopPoolId,
    int Process,
    int SubJobsTotal,
    int SuccessNum,
    int FailNum,
    int PendingNum,
    IReadOnlyList<SubJobWire> SubJobs)
{
    public static JobWire From(Job job, IReadOnlyDictionary<string, (string PoolId, string? Ip)> desktops)
    {
        var succeeded = job.SubJobs.Count(s => s.Status == SubJobStatus.Success);
        var failed = job.SubJobs.Count(s => s.Status == SubJobStatus.Failed);
        var done = succeeded + failed;
        var result = job.Status switch
        {
            JobStatus.Success => "SUCCESS",
            JobStatus.Fail when succeeded > 0 => "PARTIAL_FAILED",
            JobStatus.Fail => "FAILED",
            _ => null,
        };
        return new JobWire(
            job.Id,
            job.JobType,
            job.Status.ToString().ToUpperInvariant(),
            result,
            ApiJson.Time(job.BeginAt),
            ApiJson.Time(job.EndAt),
            ApiJson.Time(job.CreatedAt),
            job.ErrorCode,
            job.FailReason,
            job.PoolId,
            job.SubJobsTotal == 0 ? 100 : done * 100 / job.SubJobsTotal,
            job.SubJobsTotal,
            succeeded,
            failed,
            job.SubJobsTotal - done,
            job.SubJobs.Select(s => SubJobWire.From(s, desktops)).ToList());
    }
}

internal sealed record SubJobListResponse(int TotalCount, IReadOnlyList<SubJobWire> Jobs);

/// <summary>Job and sub-job queries: the way every asynchronous operation is watched.</summary>
internal static class JobsApi
{
    public static void MapJobsApi(this RouteGroupBuilder project)
    {
        project.MapGet("/workspace-jobs/{jobId}", async (
            string projectId, string jobId, HttpContext http, JobQueries jobs, CancellationToken ct) =>
        {
            var job = await jobs.GetAsync(projectId, jobId, ct);
            if (!job.Succeeded)
            {
                return ApiErrors.From(job.Failure, http);
            }

            var facts = await jobs.DesktopFactsAsync(job.Value.SubJobs.Select(s => s.DesktopId).ToList(), ct);
            return Reply.Json(JobWire.From(job.Value, facts));
        }).WithName("ShowJob");

        project.MapGet("/workspace-sub-jobs", async (string projectId, HttpRequest http, JobQueries jobs, CancellationToken ct) =>
        {
            var query = new QueryReader(http);
            var subJobQuery = new SubJobQuery(
                query.Text("job_id"),
                query.Text("status", 55),
                query.Text("job_type", 55),
                query.Text("desktop_pool_id"),
                query.Int("offset", 0, 0, 10_000),
                query.Int("limit", 1000, 0, 1000) is var limit and > 0 ? limit : 1000);
            if (query.Failure is { } invalid)
            {
                return ApiErrors.From(invalid, http.HttpContext);
            }

            var page = await jobs.ListSubJobsAsync(projectId, subJobQuery, ct);
            if (!page.Succeeded)
            {
                return ApiErrors.From(page.Failure, http.HttpContext);
            }

            var facts = await jobs.DesktopFactsAsync(page.Value.Items.Select(s => s.DesktopId).ToList(), ct);
            return Reply.Json(new SubJobListResponse(page.Value.Total,
                page.Value.Items.Select(s => SubJobWire.From(s, facts)).ToList()));
        }).WithName("ListItaSubJobs");
    }
}
