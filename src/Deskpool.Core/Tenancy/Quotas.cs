using Deskpool.Core.Catalog;
using Deskpool.Core.Desktops;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Tenancy;

/// <summary>What a project uses of each quota: desktops, vCPUs and memory (GB) of its live desktops.</summary>
public sealed record QuotaUsage(int Desktops, int Cores, int MemoryGb);

/// <summary>
/// The project quotas, checked wherever desktops come into being: purchase, expand and both
/// kinds of autoscaling. A desktop counts from the moment it is planned (so desktops still
/// being created use quota) until it is deleted.
/// </summary>
public static class Quotas
{
    public static async Task<QuotaUsage> UsageAsync(
        DeskpoolDbContext db, Catalog.Catalog catalog, string projectId, CancellationToken cancellationToken)
    {
        var perProduct = await db.Desktops.AsNoTracking()
            .Where(d => d.ProjectId == projectId && d.State != DesktopState.Deleted)
            .Join(db.Pools.IgnoreQueryFilters(), d => d.PoolId, p => p.Id, (d, p) => p.ProductId)
            .GroupBy(productId => productId)
            .Select(g => new { ProductId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);

        int desktops = 0, cores = 0, memoryMb = 0;
        foreach (var group in perProduct)
        {
            var product = catalog.Product(group.ProductId);
            desktops += group.Count;
            cores += group.Count * (product?.Cpu ?? 0);
            memoryMb += group.Count * (product?.MemoryMb ?? 0);
        }

        return new QuotaUsage(desktops, cores, (int)Math.Ceiling(memoryMb / 1024.0));
    }

    /// <summary>How many more desktops of a package fit in every quota at once.</summary>
    public static int Remaining(Project project, QuotaUsage used, ProductOption? product)
    {
        var remaining = project.DesktopQuota - used.Desktops;
        if (product is { Cpu: > 0 })
        {
            remaining = Math.Min(remaining, (project.CoreQuota - used.Cores) / product.Cpu);
        }

        if (product is { MemoryMb: > 0 })
        {
            var freeMb = ((long)project.MemoryQuotaGb * 1024) - ((long)used.MemoryGb * 1024);
            remaining = (int)Math.Min(remaining, freeMb / product.MemoryMb);
        }

        return Math.Max(0, remaining);
    }

    /// <summary>Refuses adding desktops that would exceed any quota, naming which one and what is left.</summary>
    public static async Task<Failure?> CheckAsync(
        DeskpoolDbContext db,
        Catalog.Catalog catalog,
        Project project,
        ProductOption? product,
        int adding,
        string field,
        CancellationToken cancellationToken)
    {
        var used = await UsageAsync(db, catalog, project.Id, cancellationToken);
        if (used.Desktops + adding > project.DesktopQuota)
        {
            return Failure.Invalid(ErrorCodes.QuotaExceeded, field,
                $"{field} {adding} exceeds the desktop quota: {used.Desktops} of {project.DesktopQuota} desktops are " +
                $"in use, {Math.Max(0, project.DesktopQuota - used.Desktops)} remain.");
        }

        var cores = adding * (product?.Cpu ?? 0);
        if (used.Cores + cores > project.CoreQuota)
        {
            return Failure.Invalid(ErrorCodes.QuotaExceeded, field,
                $"{field} {adding} needs {cores} vCPUs, beyond the vCPU quota: {used.Cores} of {project.CoreQuota} " +
                $"are in use, {Math.Max(0, project.CoreQuota - used.Cores)} remain.");
        }

        var memoryGb = (int)Math.Ceiling(adding * (product?.MemoryMb ?? 0) / 1024.0);
        if (used.MemoryGb + memoryGb > project.MemoryQuotaGb)
        {
            return Failure.Invalid(ErrorCodes.QuotaExceeded, field,
                $"{field} {adding} needs {memoryGb} GB of memory, beyond the memory quota: {used.MemoryGb} GB of " +
                $"{project.MemoryQuotaGb} GB are in use, {Math.Max(0, project.MemoryQuotaGb - used.MemoryGb)} GB remain.");
        }

        return null;
    }
}
