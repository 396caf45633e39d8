using System.Diagnostics;
using Deskpool.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Deskpool.Core.Telemetry;

/// <summary>
/// Stamps each new job with the trace of the request (or worker round) that created it, so
/// every place that writes jobs does so without knowing about tracing.
/// </summary>
public sealed class TraceParentStamp : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Stamp(DbContext? context)
    {
        if (context is null || Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<Job>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TraceParent is null)
            {
                entry.Entity.TraceParent = activity.Id;
            }
        }
    }
}
