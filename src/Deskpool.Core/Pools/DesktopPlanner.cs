using System.Security.Cryptography;
using System.Text;
using Deskpool.Core.Desktops;
using Deskpool.Core.Jobs;
using Deskpool.Core.Naming;
using Deskpool.Core.Persistence;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Pools;

/// <summary>
/// Plans new desktops for a pool inside the caller's transaction: a computer name from the
/// pool's naming policy, a zone, and an address from the pool's subnets. A desktop for which
/// no address is left is planned as failed, with the cause, instead of being silently dropped.
/// The database's unique indexes on names and addresses are the last word: a concurrent planner
/// that picked the same value makes the save fail, and the caller plans again.
/// </summary>
internal sealed class DesktopPlanner(DeskpoolDbContext db, Catalog.Catalog catalog)
{
    private const int DefaultDigits = 4;

    public async Task<Outcome<List<Desktop>>> PlanAsync(
        Pool pool, int count, bool onDemand, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var names = await NamesAsync(pool, count, cancellationToken);
        if (!names.Succeeded)
        {
            return names.Failure;
        }

        var zones = pool.AvailabilityZone is { } pinned ? [pinned] : catalog.Zones.Select(z => z.Id).ToList();
        var existing = await db.Desktops.CountAsync(d => d.PoolId == pool.Id, cancellationToken);
        var addresses = await AddressesAsync(pool, count, cancellationToken);

        var desktops = new List<Desktop>(count);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7().ToString();
            var (subnetId, address) = i < addresses.Count ? addresses[i] : (pool.SubnetIds[^1], null);
            var desktop = Desktop.Plan(id, pool.ProjectId, pool.Id, names.Value[i], zones[(existing + i) % zones.Count],
                subnetId, address, MacFor(id), now, onDemand);
            if (address is null)
            {
                desktop.ErrorCode = ErrorCodes.SubnetExhausted;
                desktop.FailReason = $"No free address is left in subnet(s) {string.Join(", ", pool.SubnetIds)} " +
                    "of the pool; add a subnet or free addresses, then expand again.";
                desktop.MoveTo(DesktopState.Error, now, desktop.FailReason);
            }

            desktops.Add(desktop);
        }

        return desktops;
    }

    /// <summary>One sub-job per desktop; desktops planned as failed get a sub-job that is already failed.</summary>
    public static List<SubJob> SubJobsFor(Job job, IEnumerable<Desktop> desktops, DateTimeOffset now) =>
        desktops.Select(d => new SubJob
        {
            Id = Guid.CreateVersion7().ToString(),
            JobId = job.Id,
            ProjectId = job.ProjectId,
            JobType = JobTypes.CreateDesktops,
            DesktopId = d.Id,
            DesktopName = d.ComputerName,
            Operation = DesktopOperation.Create,
            Status = d.State == DesktopState.Error ? SubJobStatus.Failed : SubJobStatus.Waiting,
            ErrorCode = d.ErrorCode,
            FailReason = d.FailReason,
            CreatedAt = now,
            EndAt = d.State == DesktopState.Error ? now : null,
        }).ToList();

    private async Task<Outcome<List<string>>> NamesAsync(Pool pool, int count, CancellationToken cancellationToken)
    {
        var policy = pool.DesktopNamePolicyId is null
            ? null
            : await db.NamingPolicies.FirstOrDefaultAsync(n => n.Id == pool.DesktopNamePolicyId, cancellationToken);
        var prefix = policy?.NamePrefix ?? ComputerNames.DefaultPrefix(pool.Name);
        var digits = policy?.DigitNumber ?? DefaultDigits;
        var start = policy?.StartNumber ?? 1;
        var truncate = policy?.PrefixTruncationEnabled ?? false;

        var sequence = await db.NameSequences.FirstOrDefaultAsync(
            s => s.ProjectId == pool.ProjectId && s.Prefix == prefix, cancellationToken);
        if (sequence is null)
        {
            sequence = new NameSequence { ProjectId = pool.ProjectId, Prefix = prefix, Next = start };
            db.NameSequences.Add(sequence);
        }
        else
        {
            sequence.Version++;
        }

        var taken = (await db.Desktops
                .Where(d => d.ProjectId == pool.ProjectId && d.ComputerName.StartsWith(prefix))
                .Select(d => d.ComputerName).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var names = new List<string>(count);
        var number = Math.Max(sequence.Next, start);
        while (names.Count < count)
        {
            var name = ComputerNames.Format(prefix, number, digits, truncate);
            if (name is null)
            {
                return Failure.Invalid(ErrorCodes.NamesExhausted, "size",
                    $"Computer names with prefix '{prefix}' and {digits} digits are used up " +
                    $"({names.Count} of {count} could be given); choose a naming policy with more digits.");
            }

            number++;
            if (taken.Add(name))
            {
                names.Add(name);
            }
        }

        sequence.Next = number;
        return names;
    }

    private async Task<List<(string SubnetId, string? Address)>> AddressesAsync(
        Pool pool, int count, CancellationToken cancellationToken)
    {
        var result = new List<(string, string?)>(count);
        foreach (var subnetId in pool.SubnetIds)
        {
            if (result.Count == count)
            {
                break;
            }

            var range = catalog.SubnetRange(subnetId);
            if (range is null)
            {
                continue;
            }

            var taken = (await db.Desktops.Where(d => d.SubnetId == subnetId && d.IpAddress != null)
                .Select(d => d.IpAddress!).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var address in range.FreeAddresses(taken).Take(count - result.Count))
            {
                result.Add((subnetId, address));
            }
        }

        return result;
    }

    /// <summary>A locally administered MAC address derived from the desktop id (stable across retries).</summary>
    private static string MacFor(string desktopId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(desktopId));
        return $"fa:16:3e:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}";
    }
}
