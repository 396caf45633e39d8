namespace Deskpool.Core.Naming;

public sealed record NamingPolicyRequest
{
    public string? PolicyName { get; init; }

    public string? NamePrefix { get; init; }

    public int? DigitNumber { get; init; }

    public int? StartNumber { get; init; }

    public int? SingleDomainUserInc { get; init; }

    public bool? IsDefaultPolicy { get; init; }

    public bool? PrefixTruncationEnabled { get; init; }
}

public sealed record BatchDeleteNamingPoliciesRequest(List<string?>? PolicyIds);

public sealed record NamingPolicyQuery(bool? IsContainUser, string? PolicyName, string? PolicyId, int Offset, int Limit);
