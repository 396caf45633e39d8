using System.Text.RegularExpressions;
using Deskpool.Core.Persistence;
using Deskpool.Core.Tenancy;
using Deskpool.Core.Validation;
using Microsoft.EntityFrameworkCore;

namespace Deskpool.Core.Naming;

/// <summary>Creates, lists, changes and deletes desktop naming policies.</summary>
public sealed partial class NamingPolicyService(DeskpoolDbContext db, TimeProvider time, AccessScope scope)
{
    public const int MaxPoliciesPerProject = 50;

    [GeneratedRegex(@"^[\u4e00-\u9fa5a-zA-Z_][\u4e00-\u9fa5a-zA-Z0-9_]{0,29}\z")]
    private static partial Regex PolicyNamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9-]*\z")]
    private static partial Regex PrefixPattern();

    public async Task<Outcome<NamingPolicy>> CreateAsync(
        string projectId, NamingPolicyRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var rules = new Rules();
        Check(rules, request);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (await db.NamingPolicies.AnyAsync(
                n => n.ProjectId == projectId && n.PolicyName == request.PolicyName, cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.NameTaken, $"policy_name '{request.PolicyName}' is already used.", "policy_name");
        }

        if (await db.NamingPolicies.CountAsync(n => n.ProjectId == projectId, cancellationToken) >= MaxPoliciesPerProject)
        {
            return Failure.Invalid(ErrorCodes.QuotaExceeded, "policy_name",
                $"policy_name '{request.PolicyName}' cannot be added: a project may hold at most " +
                $"{MaxPoliciesPerProject} naming policies.");
        }

        var policy = new NamingPolicy
        {
            Id = Guid.CreateVersion7().ToString(),
            ProjectId = projectId,
            PolicyName = request.PolicyName!,
            NamePrefix = request.NamePrefix!,
            DigitNumber = request.DigitNumber!.Value,
            StartNumber = request.StartNumber!.Value,
            SingleDomainUserInc = request.SingleDomainUserInc!.Value,
            IsDefaultPolicy = request.IsDefaultPolicy ?? false,
            PrefixTruncationEnabled = request.PrefixTruncationEnabled ?? false,
            CreatedAt = time.GetUtcNow(),
        };
        if (policy.IsDefaultPolicy)
        {
            await ClearDefaultAsync(projectId, cancellationToken);
        }

        db.NamingPolicies.Add(policy);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Failure.Conflict(ErrorCodes.NameTaken, $"policy_name '{request.PolicyName}' was taken at the same time.", "policy_name");
        }

        return policy;
    }

    public async Task<Outcome<NamingPolicy>> UpdateAsync(
        string projectId, string policyId, NamingPolicyRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var policy = await db.NamingPolicies.FirstOrDefaultAsync(
            n => n.ProjectId == projectId && n.Id == policyId, cancellationToken);
        if (policy is null)
        {
            return Failure.NotFound(ErrorCodes.NamingPolicyNotFound, $"Naming policy {policyId} does not exist.");
        }

        var merged = new NamingPolicyRequest
        {
            PolicyName = request.PolicyName ?? policy.PolicyName,
            NamePrefix = request.NamePrefix ?? policy.NamePrefix,
            DigitNumber = request.DigitNumber ?? policy.DigitNumber,
            StartNumber = request.StartNumber ?? policy.StartNumber,
            SingleDomainUserInc = request.SingleDomainUserInc ?? policy.SingleDomainUserInc,
            PrefixTruncationEnabled = request.PrefixTruncationEnabled ?? policy.PrefixTruncationEnabled,
        };
        var rules = new Rules();
        Check(rules, merged);
        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        if (merged.PolicyName != policy.PolicyName && await db.NamingPolicies.AnyAsync(
                n => n.ProjectId == projectId && n.PolicyName == merged.PolicyName, cancellationToken))
        {
            return Failure.Conflict(ErrorCodes.NameTaken, $"policy_name '{merged.PolicyName}' is already used.", "policy_name");
        }

        if (merged.NamePrefix!.Contains(NamingPolicy.UserPlaceholder, StringComparison.Ordinal)
            && await db.Pools.AnyAsync(p => p.DesktopNamePolicyId == policyId, cancellationToken))
        {
            return Failure.Invalid(ErrorCodes.IncompatibleChoice, "name_prefix",
                $"name_prefix may not contain {NamingPolicy.UserPlaceholder} while pools use this policy.");
        }

        policy.PolicyName = merged.PolicyName!;
        policy.NamePrefix = merged.NamePrefix;
        policy.DigitNumber = merged.DigitNumber!.Value;
        policy.StartNumber = merged.StartNumber!.Value;
        policy.SingleDomainUserInc = merged.SingleDomainUserInc!.Value;
        policy.PrefixTruncationEnabled = merged.PrefixTruncationEnabled!.Value;
        if (request.IsDefaultPolicy == true && !policy.IsDefaultPolicy)
        {
            await ClearDefaultAsync(projectId, cancellationToken);
        }

        policy.IsDefaultPolicy = request.IsDefaultPolicy ?? policy.IsDefaultPolicy;
        await db.SaveChangesAsync(cancellationToken);
        return policy;
    }

    public async Task<(int Total, List<NamingPolicy> Items)> ListAsync(
        string projectId, NamingPolicyQuery query, CancellationToken cancellationToken)
    {
        var policies = db.NamingPolicies.Where(n => n.ProjectId == projectId);
        if (!string.IsNullOrEmpty(query.PolicyId))
        {
            policies = policies.Where(n => n.Id == query.PolicyId);
        }

        if (!string.IsNullOrEmpty(query.PolicyName))
        {
            policies = policies.Where(n => n.PolicyName.Contains(query.PolicyName));
        }

        if (query.IsContainUser is { } containsUser)
        {
            policies = containsUser
                ? policies.Where(n => n.NamePrefix.Contains(NamingPolicy.UserPlaceholder))
                : policies.Where(n => !n.NamePrefix.Contains(NamingPolicy.UserPlaceholder));
        }

        var total = await policies.CountAsync(cancellationToken);
        var items = await policies.OrderBy(n => n.CreatedAt).ThenBy(n => n.Id)
            .Skip(query.Offset).Take(query.Limit).ToListAsync(cancellationToken);
        return (total, items);
    }

    public async Task<Failure?> DeleteAsync(
        string projectId, BatchDeleteNamingPoliciesRequest request, CancellationToken cancellationToken)
    {
        if (scope.RefuseProjectWideChange() is { } confined)
        {
            return confined;
        }

        var rules = new Rules();
        rules.Ids("policy_ids", request.PolicyIds, 1, 50, maxLength: 36);

        if (rules.ToFailure() is { } failure)
        {
            return failure;
        }

        var ids = request.PolicyIds!.Distinct().ToList();
        var policies = await db.NamingPolicies
            .Where(n => n.ProjectId == projectId && ids.Contains(n.Id)).ToListAsync(cancellationToken);
        var missing = ids.Except(policies.Select(p => p.Id)).FirstOrDefault();
        if (missing is not null)
        {
            return Failure.NotFound(ErrorCodes.NamingPolicyNotFound, $"Naming policy {missing} does not exist.");
        }

        var inUse = await db.Pools.Where(p => p.ProjectId == projectId && ids.Contains(p.DesktopNamePolicyId!))
            .Select(p => new { p.Name, p.DesktopNamePolicyId }).FirstOrDefaultAsync(cancellationToken);
        if (inUse is not null)
        {
            return Failure.Conflict(ErrorCodes.StateConflict,
                $"Naming policy {inUse.DesktopNamePolicyId} is used by pool {inUse.Name}; change the pool first.");
        }

        db.NamingPolicies.RemoveRange(policies);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static void Check(Rules rules, NamingPolicyRequest request)
    {
        if (rules.Required("policy_name", request.PolicyName) && rules.Length("policy_name", request.PolicyName, 1, 30))
        {
            rules.Matches("policy_name", request.PolicyName, PolicyNamePattern(),
                "must start with a letter, Chinese character or '_' and hold only those and digits");
        }

        var bare = request.NamePrefix?.Replace(NamingPolicy.UserPlaceholder, "", StringComparison.Ordinal);
        var prefixOk = rules.Required("name_prefix", request.NamePrefix)
            && rules.Length("name_prefix", bare, bare!.Length == request.NamePrefix!.Length ? 1 : 0, 14)
            && (bare.Length == 0 || rules.Matches("name_prefix", bare, PrefixPattern(),
                "may contain only letters, digits and '-', and must start with a letter or digit"));

        var digitsOk = rules.Required("digit_number", request.DigitNumber)
            && rules.Range("digit_number", request.DigitNumber, 1, 5);
        if (rules.Required("start_number", request.StartNumber)
            && rules.Range("start_number", request.StartNumber, 1, 99_999)
            && digitsOk
            && request.StartNumber > Math.Pow(10, request.DigitNumber!.Value) - 1)
        {
            rules.Fail(ErrorCodes.IncompatibleChoice, "start_number",
                $"start_number {request.StartNumber} does not fit in {request.DigitNumber} digits.");
        }

        // Without truncation such a policy could never name a desktop: every name would be too long.
        if (prefixOk && digitsOk && request.PrefixTruncationEnabled != true
            && bare!.Length + request.DigitNumber!.Value > ComputerNames.MaxLength)
        {
            rules.Fail(ErrorCodes.IncompatibleChoice, "name_prefix",
                $"name_prefix ({bare.Length} characters) and digit_number ({request.DigitNumber}) make computer " +
                $"names longer than {ComputerNames.MaxLength} characters; shorten the prefix, use fewer digits " +
                "or set prefix_truncation_enabled.");
        }

        if (rules.Required("single_domain_user_inc", request.SingleDomainUserInc))
        {
            rules.Range("single_domain_user_inc", request.SingleDomainUserInc, 0, 1);
        }
    }

    private async Task ClearDefaultAsync(string projectId, CancellationToken cancellationToken)
    {
        var defaults = await db.NamingPolicies
            .Where(n => n.ProjectId == projectId && n.IsDefaultPolicy).ToListAsync(cancellationToken);
        defaults.ForEach(n => n.IsDefaultPolicy = false);
    }

    /// <summary>Checks that a pool may use the policy; a policy embedding the username may not.</summary>
    internal static async Task<Failure?> CheckUsableForPoolAsync(
        DeskpoolDbContext db, string projectId, string policyId, CancellationToken cancellationToken)
    {
        var policy = await db.NamingPolicies.FirstOrDefaultAsync(
            n => n.ProjectId == projectId && n.Id == policyId, cancellationToken);
        if (policy is null)
        {
            return Failure.Invalid(ErrorCodes.UnknownReference, "desktop_name_policy_id",
                $"desktop_name_policy_id '{policyId}' is not a naming policy of this project.");
        }

        return policy.ContainsUser
            ? Failure.Invalid(ErrorCodes.IncompatibleChoice, "desktop_name_policy_id",
                $"desktop_name_policy_id '{policyId}' embeds {NamingPolicy.UserPlaceholder}; such policies cannot name pool desktops.")
            : null;
    }

}
