using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Jobs;

public sealed record SubJobQuery(
    string? JobId, string? Status, string? JobType, string? DesktopPoolId, int Offset, int Limit);

/// <summary>Reads jobs and sub-jobs for the API; progress is counted from the sub-jobs, never stored twice.</summary>
public sealed class JobQueries(DeskpoolDbContext db)
{
    public async Task<Outcome<Job>> GetAsync(string projectId, string jobId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Include(j => j.SubJobs.OrderBy(s => s.DesktopName))
            .AsSplitQuery()
            .FirstOrDefaultAsync(j => j.ProjectId == projectId && j.Id == jobId, cancellationToken);
        return job is null
            ? Failure.NotFound(ErrorCodes.JobNotFound, $"Job {jobId} does not exist in this project.")
            : job;
    }

    public async Task<Outcome<(int Total, List<SubJob> Items)>> ListSubJobsAsync(
        string projectId, SubJobQuery query, CancellationToken cancellationToken)
    {
        var rules = new Rules();
        rules.OneOf("status", query.Status, ["WAITING", "RUNNING", "SUCCESS", "FAILED"]);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var subJobs = db.SubJobs.AsNoTracking().Where(s => s.ProjectId == projectId);
        if (!string.IsNullOrEmpty(query.JobId))
        {
            subJobs = subJobs.Where(s => s.JobId == query.JobId);
        }

        if (query.Status is not null)
        {
            var status = Enum.Parse<SubJobStatus>(query.Status, ignoreCase: true);
            subJobs = subJobs.Where(s => s.Status == status);
        }

        if (!string.IsNullOrEmpty(query.JobType))
        {
            subJobs = subJobs.Where(s => s.JobType == query.JobType);
        }

        if (!string.IsNullOrEmpty(query.DesktopPoolId))
        {
            subJobs = subJobs.Where(s => db.Jobs.Any(j => j.Id == s.JobId && j.PoolId == query.DesktopPoolId));
        }

        var total = await subJobs.CountAsync(cancellationToken);
        var items = await subJobs.OrderBy(s => s.CreatedAt).ThenBy(s => s.DesktopName)
            .Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return (total, items);
    }

    /// <summary>Which pool each desktop belongs to, for the sub-jobs' entities.</summary>
    public Task<Dictionary<string, (string PoolId, string? Ip)>> DesktopFactsAsync(
        IReadOnlyCollection<string> desktopIds, CancellationToken cancellationToken) =>
        db.Desktops.AsNoTracking().Where(d => desktopIds.Contains(d.Id))
            .Select(d => new { d.Id, d.PoolId, d.IpAddress })
            .ToDictionaryAsync(d => d.Id, d => (d.PoolId, d.IpAddress), cancellationToken);
}
