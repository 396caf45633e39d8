using System.Threading.Channels;
using Deskpool.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deskpool.Core.Audit;

/// <summary>
/// Writes audit entries in groups: every entry that arrives while the previous group is being
/// committed goes into the next one, in one transaction. A caller waits until its own entry is
/// committed, so an entry still exists before the answer it describes leaves the server, yet a
/// login storm costs a few commits a second rather than one per request. Entries that name a pool
/// or a user but not their enterprise project get it here, for the whole group in one query each.
/// </summary>
public sealed partial class AuditWriter : IAsyncDisposable
{
    private const int MaxGroup = 512;

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<AuditWriter> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;

    public AuditWriter(IServiceScopeFactory scopes, ILogger<AuditWriter> logger)
    {
        _scopes = scopes;
        _logger = logger;
        _writer = Task.Run(() => WriteGroupsAsync(_stopping.Token));
    }

    /// <summary>
    /// Adds the entry and returns once it is committed. <paramref name="poolId"/> or
    /// <paramref name="userId"/> name what the entry is about when its enterprise project is not known yet.
    /// </summary>
    public async Task WriteAsync(AuditEvent entry, string? poolId, string? userId, CancellationToken cancellationToken)
    {
        var pending = new Pending(entry, entry.EnterpriseProjectId is null ? poolId : null,
            entry.EnterpriseProjectId is null ? userId : null,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            // What was queued before the host stopped is still written.
            await _writer.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
        }

        _stopping.Dispose();
    }

    private async Task WriteGroupsAsync(CancellationToken stopping)
    {
        var group = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync(stopping))
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                await WriteGroupAsync(group, stopping);
                group.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogGroupFailed(_logger, ex, group.Count);
                group.ForEach(p => p.Done.TrySetException(ex));
            }
        }
    }

    private async Task WriteGroupAsync(List<Pending> group, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskpoolDbContext>();
        var poolIds = group.Where(p => p.PoolId is not null).Select(p => p.PoolId!).Distinct().ToList();
        var userIds = group.Where(p => p.PoolId is null && p.UserId is not null).Select(p => p.UserId!).Distinct().ToList();
        var pools = poolIds.Count == 0 ? [] : await db.Pools.IgnoreQueryFilters().AsNoTracking()
            .Where(p => poolIds.Contains(p.Id))
            .Select(p => new { p.Id, p.ProjectId, p.EnterpriseProjectId })
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var users = userIds.Count == 0 ? [] : await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.ProjectId, u.EnterpriseProjectId })
            .ToDictionaryAsync(u => u.Id, cancellationToken);
        foreach (var pending in group)
        {
            var entry = pending.Entry;
            if (pending.PoolId is { } poolId && pools.TryGetValue(poolId, out var pool) && pool.ProjectId == entry.ProjectId)
            {
                entry.EnterpriseProjectId = pool.EnterpriseProjectId;
            }
            else if (pending.PoolId is null && pending.UserId is { } userId && users.TryGetValue(userId, out var user)
                && user.ProjectId == entry.ProjectId)
            {
                entry.EnterpriseProjectId = user.EnterpriseProjectId;
            }
        }

        // A nameless caller's attempt is kept only under a project that exists: nobody could ever
        // read it under any other, and it would only fill the table.
        var named = group.Where(p => p.Entry.ActorKind == AuditActorKind.Anonymous).Select(p => p.Entry.ProjectId).Distinct().ToList();
        var existing = named.Count == 0 ? [] : await db.Projects.AsNoTracking()
            .Where(p => named.Contains(p.Id)).Select(p => p.Id).ToHashSetAsync(cancellationToken);
        db.AuditEvents.AddRange(group.Select(p => p.Entry)
            .Where(e => e.ActorKind != AuditActorKind.Anonymous || existing.Contains(e.ProjectId)));
        await db.SaveChangesAsync(cancellationToken);
    }

    private sealed record Pending(AuditEvent Entry, string? PoolId, string? UserId, TaskCompletionSource Done);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Writing a group of {Count} audit entries failed")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int count);
}
